// The IndexSpec of a node type, derived from its contract model, so the search adapters index
// exactly what the contract declares: the key, the node's own fields, the neighbour ids of each
// edge, and each denormalized path's carried fields as `path.field`.
import type { FieldModel, NodeModel } from './model';
import { DOC_LINKS_FIELD, DOC_SPILLED_FIELD } from './naming';
import type { IndexFieldKind, IndexFieldSpec, IndexSpec } from '../projection/port';

function kindOf(field: FieldModel): IndexFieldKind {
  // An enum is an exact value for the index: filtered, faceted, never analysed.
  return field.kind === 'enum' ? 'keyword' : field.kind;
}

function keywordField(path: string, list: boolean, sortable = false, facet = false): IndexFieldSpec {
  return { path, kind: 'keyword', list, searchable: false, facet, sortable };
}

function fieldSpec(path: string, field: FieldModel, inList: boolean): IndexFieldSpec {
  const list = inList || field.list;
  return {
    path,
    kind: kindOf(field),
    list,
    searchable: field.searchable,
    facet: field.facet,
    // A list has no single value to order by (Elasticsearch would pick min or max silently).
    sortable: field.sortable && !list,
  };
}

/**
 * The fields an adapter indexes for `node`; `version` names the index `<type>_v<version>`.
 * Besides the contract's fields, two bookkeeping fields serve relations whose 'many' end can spill
 * past MAX_INLINE_EDGES into edge buckets (its ids then leave its document, so such a relation is
 * read from the other end's documents): `mesh_spilled`, the relations of this node held in
 * buckets; `mesh_links.<rel>`, for a 'one' end whose other end is 'many', the linked neighbours
 * other than the newest (which `<rel>` shows), so that other end finds every node it lists.
 */
export function indexSpecOf(node: NodeModel, version = 1): IndexSpec {
  const fields: IndexFieldSpec[] = [keywordField(node.key, false, true)];
  for (const f of Object.values(node.fields)) fields.push(fieldSpec(f.name, f, false));
  for (const e of Object.values(node.edges)) fields.push(keywordField(e.name, e.cardinality === 'many', false, e.facet === true));
  const edges = Object.values(node.edges);
  if (edges.some((e) => e.cardinality === 'many')) fields.push(keywordField(DOC_SPILLED_FIELD, true));
  for (const e of edges) if (e.cardinality === 'one' && e.inverseCardinality === 'many') fields.push(keywordField(`${DOC_LINKS_FIELD}.${e.name}`, true));
  for (const d of Object.values(node.denormalized)) {
    fields.push(keywordField(`${d.name}.id`, d.many));
    for (const f of Object.values(d.fields)) fields.push(fieldSpec(`${d.name}.${f.name}`, f, d.many));
  }
  return { type: node.name, version, fields };
}

/** Whether two specs index the same way (a difference means the type needs a reindex). */
export function sameMapping(a: IndexSpec, b: IndexSpec): boolean {
  const canonical = (s: IndexSpec) => JSON.stringify([...s.fields].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)));
  return a.type === b.type && canonical(a) === canonical(b);
}

const FLAGS = ['list', 'searchable', 'facet', 'sortable'] as const;

/** How `next` indexes differently from `base`, one line per field path (empty when sameMapping). */
export function specDifferences(base: IndexSpec, next: IndexSpec): string[] {
  const out: string[] = [];
  const after = new Map(next.fields.map((f) => [f.path, f]));
  for (const a of base.fields) {
    const b = after.get(a.path);
    if (!b) {
      out.push(`${a.path}: removed`);
      continue;
    }
    if (a.kind !== b.kind) out.push(`${a.path}: ${a.kind} -> ${b.kind}`);
    for (const flag of FLAGS) if (a[flag] !== b[flag]) out.push(`${a.path}: ${flag} ${b[flag] ? 'added' : 'removed'}`);
  }
  const before = new Set(base.fields.map((f) => f.path));
  for (const b of next.fields) if (!before.has(b.path)) out.push(`${b.path}: added`);
  return out;
}

export function fieldOf(spec: IndexSpec, path: string): IndexFieldSpec | undefined {
  return spec.fields.find((f) => f.path === path);
}
