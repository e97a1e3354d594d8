// What every adapter checks before writing a projection document, so a document that one store
// would reject (Elasticsearch maps strictly) is rejected by all of them with the same reason.
import type { IndexFieldSpec, IndexSpec, ProjectionDoc } from './port';

/** Largest body accepted, in bytes of its JSON; larger documents fail without retry. */
export const MAX_DOC_BYTES = 1_000_000;

export type FieldValue = string | number | boolean;

/** Every value at a dotted path, lists flattened (`accounts.status` over a list of accounts). */
export function valuesAt(body: unknown, path: string): FieldValue[] {
  const dot = path.indexOf('.');
  const head = dot < 0 ? path : path.slice(0, dot);
  const value = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[head] : undefined;
  const items = Array.isArray(value) ? value : [value];
  const out: FieldValue[] = [];
  for (const item of items) {
    if (item === undefined || item === null) continue;
    if (dot >= 0) out.push(...valuesAt(item, path.slice(dot + 1)));
    else if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') out.push(item);
  }
  return out;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function valueProblem(field: IndexFieldSpec, value: unknown): string | undefined {
  const ok =
    field.kind === 'int'
      ? Number.isSafeInteger(value)
      : field.kind === 'float'
        ? typeof value === 'number' && Number.isFinite(value)
        : field.kind === 'bool'
          ? typeof value === 'boolean'
          : field.kind === 'datetime'
            ? typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))
            : typeof value === 'string';
  return ok ? undefined : `field ${field.path} expects ${field.kind}, got ${JSON.stringify(value)?.slice(0, 80)}`;
}

/** The spec as a tree of body keys, so a check walks the document without building paths. */
interface SpecNode {
  field?: IndexFieldSpec;
  children?: Map<string, SpecNode>;
}

const NOT_INDEXED: SpecNode = {};

function specTree(spec: IndexSpec): SpecNode {
  const root: SpecNode = { children: new Map() };
  for (const field of spec.fields) {
    let node = root;
    for (const part of field.path.split('.')) {
      const children = (node.children ??= new Map());
      let child = children.get(part);
      if (!child) children.set(part, (child = {}));
      node = child;
    }
    node.field = field;
  }
  return root;
}

/** Checks `value` found at `path` against the spec's tree; unknown fields are problems. */
function walk(value: unknown, node: SpecNode, path: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const field = node.field;
  if (Array.isArray(value)) {
    if (field && !field.list) return `field ${path} holds one value, got a list`;
    for (const item of value) {
      const problem = walk(item, node, path);
      if (problem) return problem;
    }
    return undefined;
  }
  if (field) return valueProblem(field, value);
  if (typeof value !== 'object' || !node.children || node === NOT_INDEXED) return `field ${path} is not in the index mapping`;
  return walkObject(value as Record<string, unknown>, node.children, `${path}.`);
}

function walkObject(value: Record<string, unknown>, children: Map<string, SpecNode>, prefix: string): string | undefined {
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const problem = walk(value[key], children.get(key) ?? NOT_INDEXED, prefix + key);
    if (problem) return problem;
  }
  return undefined;
}

export interface DocumentChecker {
  /** Why `doc` cannot be written to an index of this spec, or undefined when it can. */
  problem(doc: ProjectionDoc): string | undefined;
}

export function documentChecker(spec: IndexSpec): DocumentChecker {
  const children = specTree(spec).children ?? new Map<string, SpecNode>();
  return {
    problem(doc) {
      if (doc.type !== spec.type) return `document type ${doc.type} does not belong in an index of ${spec.type}`;
      if (doc.deleted) return undefined;
      return walkObject(doc.body, children, '');
    },
  };
}

/** The size check, separate because it needs the serialized body that the adapter writes anyway. */
export function sizeProblem(serializedBody: string): string | undefined {
  const bytes = Buffer.byteLength(serializedBody, 'utf8');
  return bytes > MAX_DOC_BYTES ? `document body is ${bytes} bytes, above the limit of ${MAX_DOC_BYTES}` : undefined;
}
