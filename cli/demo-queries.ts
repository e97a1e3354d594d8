// The example queries `meshgraph demo` prints, made from the data product's own model: a node of
// the demo's root type with its fields and relations, a full-text search with facets, and the
// node's neighbourhood drawn by the cold app. Any product, not only the samples.
import type { ContractModel, FieldModel, NodeModel } from '../core/contracts/model';
import { GLOBAL_ID_FIELD, connectionFieldOf, keyFieldOf, queryFieldNames } from '../core/contracts/naming';

/** The node type the demo's roots are: the scenario's `rootType`, else the type with the most relations. */
export function demoRootType(model: ContractModel, rootType?: string): NodeModel {
  const named = rootType ? model.types[rootType] : undefined;
  if (named) return named;
  const types = Object.values(model.types);
  if (types.length === 0) throw new Error(`the data product ${model.name} has no node types`);
  return types.reduce((best, t) => (Object.keys(t.edges).length > Object.keys(best.edges).length ? t : best));
}

/** Up to `n` fields a caller without roles sees (no personal data), scalar ones first. */
function shownFields(node: NodeModel, n: number): FieldModel[] {
  const open = Object.values(node.fields).filter((f) => !f.pii && f.name !== GLOBAL_ID_FIELD);
  return [...open.filter((f) => !f.list), ...open.filter((f) => f.list)].slice(0, n);
}

/** The query that finds the first root (by key) and a word of its text to search for. */
export function firstRootQuery(node: NodeModel): { query: string; field: string; wordField?: string } {
  const { search } = queryFieldNames(node.name, node.plural);
  const wordField = Object.values(node.fields).find((f) => f.searchable && !f.pii && (f.kind === 'text' || f.kind === 'keyword') && !f.list)?.name;
  // A search without words is ordered by global id: the same root on every run.
  return {
    query: `{ ${search}(first: 1) { totalCount edges { node { id${wordField ? ` ${wordField}` : ''} } } } }`,
    field: search,
    ...(wordField ? { wordField } : {}),
  };
}

export interface ExampleQueries {
  /** A node with its fields and relations. */
  node: string;
  /** Full-text search (when the type has searchable text) with facets. */
  search: string;
  /** The cold app's path of the node's drawn neighbourhood. */
  subgraphPath: string;
}

/** `globalId`: the node's id as GraphQL answers it (`Type:key`); `word`: a word to search for. */
export function exampleQueries(node: NodeModel, globalId: string, word: string | undefined): ExampleQueries {
  const names = queryFieldNames(node.name, node.plural);
  const fields = shownFields(node, 3).map((f) => f.name);
  const relations = Object.values(node.edges)
    .slice(0, 2)
    .map((e) => (e.cardinality === 'one' ? `${e.name} { id }` : `${connectionFieldOf(e.name)}(first: 5) { totalCount edges { node { id } } }`));
  const key = keyFieldOf(node);
  const nodeQuery = `{ ${names.one}(id: ${JSON.stringify(globalId)}) { id ${[key, ...fields.filter((f) => f !== key), ...relations].join(' ')} } }`;
  const query = word ? `query: ${JSON.stringify(word)}, ` : '';
  const searchQuery = `{ ${names.search}(${query}first: 5) { totalCount edges { node { id ${fields.join(' ')} } } facets { field buckets { value count } } } }`;
  // GraphQL answers the global id; the cold app's paths take the type and the key.
  const rawKey = globalId.startsWith(`${node.name}:`) ? globalId.slice(node.name.length + 1) : globalId;
  return { node: nodeQuery, search: searchQuery, subgraphPath: `/api/nodes/${node.name}/${encodeURIComponent(rawKey)}/subgraph?depth=2&format=svg` };
}
