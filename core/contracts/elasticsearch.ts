// Elasticsearch index templates, one per node type. A projection document holds the key, the
// node's fields, the ids of its neighbours per edge and its denormalized neighbours. `dynamic:
// strict` makes a document that does not match the contract fail loudly instead of growing the
// mapping. The SQLite store reads the same model, so both agree on what is searchable.
import type { ContractModel, FieldModel, NodeModel } from './model';
import { indexName } from './naming';

export type EsProperty = Record<string, unknown>;

export interface EsIndexTemplate {
  index_patterns: string[];
  template: {
    settings: Record<string, unknown>;
    mappings: { dynamic: 'strict'; _meta: Record<string, unknown>; properties: Record<string, EsProperty> };
  };
  _meta: Record<string, unknown>;
}

/** Field types the compiler may emit (checked by the tests against Elasticsearch's own list). */
export const ES_FIELD_TYPES_USED = ['keyword', 'text', 'long', 'double', 'boolean', 'date', 'nested', 'object'] as const;

export function esProperty(f: FieldModel): EsProperty {
  switch (f.kind) {
    case 'text':
      // Sortable text needs an exact, doc-valued form to sort and compare on.
      return f.sortable ? { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } } : { type: 'text' };
    case 'int':
      return { type: 'long' };
    case 'float':
      return { type: 'double' };
    case 'bool':
      return { type: 'boolean' };
    case 'datetime':
      return { type: 'date', format: 'strict_date_optional_time' };
    default:
      return { type: 'keyword' };
  }
}

function properties(fields: Record<string, FieldModel>): Record<string, EsProperty> {
  const out: Record<string, EsProperty> = {};
  for (const f of Object.values(fields)) out[f.name] = esProperty(f);
  return out;
}

export function compileIndexTemplate(node: NodeModel, contractVersion: string): EsIndexTemplate {
  const props: Record<string, EsProperty> = { [node.key]: { type: 'keyword' }, ...properties(node.fields) };
  for (const e of Object.values(node.edges)) props[e.name] = { type: 'keyword' };
  for (const d of Object.values(node.denormalized)) {
    // Nested keeps each neighbour's fields together, so `status: active AND balance > 0` means one
    // account that is both; a single neighbour needs no such care.
    props[d.name] = { type: d.many ? 'nested' : 'object', properties: { id: { type: 'keyword' }, ...properties(d.fields) } };
  }
  const meta = { generatedBy: 'meshgraph', nodeType: node.name, contractVersion };
  return {
    index_patterns: [`${indexName(node.name)}-*`],
    template: {
      settings: { number_of_shards: 1, refresh_interval: '1s' },
      mappings: { dynamic: 'strict', _meta: meta, properties: props },
    },
    _meta: meta,
  };
}

/** Index templates by node type name. */
export function compileElasticsearch(model: ContractModel, contractVersion: string): Record<string, EsIndexTemplate> {
  const out: Record<string, EsIndexTemplate> = {};
  for (const node of Object.values(model.types)) out[node.name] = compileIndexTemplate(node, contractVersion);
  return out;
}
