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
    field.kind === 'int' ? Number.isSafeInteger(value)
    : field.kind === 'float' ? typeof value === 'number' && Number.isFinite(value)
    : field.kind === 'bool' ? typeof value === 'boolean'
    : field.kind === 'datetime' ? typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))
    : typeof value === 'string';
  return ok ? undefined : `field ${field.path} expects ${field.kind}, got ${JSON.stringify(value)?.slice(0, 80)}`;
}

/** Checks `value` found at `prefix` against the spec's paths; unknown fields are problems. */
function walk(value: unknown, prefix: string, byPath: Map<string, IndexFieldSpec>, heads: Set<string>): string | undefined {
  if (value === null || value === undefined) return undefined;
  const field = byPath.get(prefix);
  if (Array.isArray(value)) {
    if (field && !field.list) return `field ${prefix} holds one value, got a list`;
    for (const item of value) {
      const problem = walk(item, prefix, byPath, heads);
      if (problem) return problem;
    }
    return undefined;
  }
  if (field) return valueProblem(field, value);
  if (typeof value !== 'object' || !heads.has(prefix)) return `field ${prefix} is not in the index mapping`;
  for (const [key, child] of Object.entries(value)) {
    const problem = walk(child, `${prefix}.${key}`, byPath, heads);
    if (problem) return problem;
  }
  return undefined;
}

export interface DocumentChecker {
  /** Why `doc` cannot be written to an index of this spec, or undefined when it can. */
  problem(doc: ProjectionDoc): string | undefined;
}

export function documentChecker(spec: IndexSpec): DocumentChecker {
  const byPath = new Map(spec.fields.map((f) => [f.path, f]));
  // Object prefixes of dotted paths (`accounts` of `accounts.status`).
  const heads = new Set(spec.fields.filter((f) => f.path.includes('.')).map((f) => f.path.slice(0, f.path.lastIndexOf('.'))));
  return {
    problem(doc) {
      if (doc.type !== spec.type) return `document type ${doc.type} does not belong in an index of ${spec.type}`;
      if (doc.deleted) return undefined;
      for (const [key, value] of Object.entries(doc.body)) {
        const problem = walk(value, key, byPath, heads);
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/** The size check, separate because it needs the serialized body that the adapter writes anyway. */
export function sizeProblem(serializedBody: string): string | undefined {
  const bytes = Buffer.byteLength(serializedBody, 'utf8');
  return bytes > MAX_DOC_BYTES ? `document body is ${bytes} bytes, above the limit of ${MAX_DOC_BYTES}` : undefined;
}
