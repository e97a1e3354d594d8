// The Elasticsearch mapping of a node type, in one place: the contract compiler writes it as an
// index template (`meshgraph contracts build`) and the Elasticsearch store creates each index
// version with it (adapters/search/elasticsearch.ts), so the two cannot drift apart. It is derived
// from the IndexSpec (core/projection/spec.ts), which the SQLite store reads too.
//
// Denormalized neighbours map as `object`, also when there are many: every filter condition on a
// list means "some element satisfies it", condition by condition, in both stores (the filter AST
// cannot say "one account that is both active and in credit"). `nested` would give no answer the
// filter AST can ask for, and would cost one hidden Lucene document per neighbour (a node with
// more than index.mapping.nested_objects.limit, 10,000, neighbours could not be indexed at all),
// nested queries, and reverse_nested aggregations to count documents rather than neighbours.
import type { IndexFieldSpec, IndexSpec } from '../projection/port';
import { indexSpecOf, sameMapping, specDifferences } from './index-spec';
import type { ContractModel, NodeModel } from './model';
import { indexName } from './naming';

/** Bookkeeping fields of every document; contract field names cannot contain `_`, so these never collide. */
export const ES_ID_FIELD = 'mesh_id';
export const ES_DELETED_FIELD = 'mesh_deleted';

/** Exact forms longer than this are kept in _source but not indexed (Lucene refuses terms above 32,766 bytes). */
export const KEYWORD_IGNORE_ABOVE = 8191;
/** The keyword sub-field of text, to filter, sort and count on: long prose is not worth indexing twice. */
export const TEXT_KEYWORD_IGNORE_ABOVE = 1024;

export type EsProperty =
  | { type: 'keyword'; ignore_above?: number }
  | { type: 'text'; fields: { keyword: { type: 'keyword'; ignore_above: number } } }
  | { type: 'long' }
  | { type: 'double' }
  | { type: 'boolean' }
  | { type: 'date'; format: 'strict_date_optional_time' }
  | { type: 'object'; properties: Record<string, EsProperty> };

export interface EsMappings {
  dynamic: 'strict';
  _meta: Record<string, unknown>;
  properties: Record<string, EsProperty>;
}

export const ES_INDEX_SETTINGS = { number_of_shards: 1, refresh_interval: '1s' } as const;

export interface EsIndexTemplate {
  index_patterns: string[];
  template: { settings: typeof ES_INDEX_SETTINGS; mappings: EsMappings };
  _meta: Record<string, unknown>;
}

/** Field types the compiler may emit (checked by the tests against Elasticsearch's own list). */
export const ES_FIELD_TYPES_USED = ['keyword', 'text', 'long', 'double', 'boolean', 'date', 'object'] as const;

export function esProperty(field: Pick<IndexFieldSpec, 'kind'>): EsProperty {
  switch (field.kind) {
    case 'text':
      return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: TEXT_KEYWORD_IGNORE_ABOVE } } };
    case 'int':
      return { type: 'long' };
    case 'float':
      return { type: 'double' };
    case 'bool':
      return { type: 'boolean' };
    case 'datetime':
      return { type: 'date', format: 'strict_date_optional_time' };
    default:
      return { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE };
  }
}

/** The mapping of one index version; the spec rides along in `_meta`, so any process can read what an index holds. */
export function esMappingsOf(spec: IndexSpec): EsMappings {
  const root: Record<string, EsProperty> = { [ES_ID_FIELD]: { type: 'keyword' }, [ES_DELETED_FIELD]: { type: 'boolean' } };
  for (const field of spec.fields) {
    const parts = field.path.split('.');
    let props = root;
    for (const part of parts.slice(0, -1)) {
      const holder = (props[part] ??= { type: 'object', properties: {} });
      if (holder.type !== 'object') throw new Error(`${spec.type}: ${field.path} nests under a ${holder.type} field`);
      props = holder.properties;
    }
    props[parts[parts.length - 1]!] = esProperty(field);
  }
  return { dynamic: 'strict', _meta: { generatedBy: 'meshgraph', spec }, properties: root };
}

/** The alias every version `<alias>_v<N>` of a type's index sits behind. */
export const esAliasOf = (type: string): string => indexName(type);

export function compileIndexTemplate(node: NodeModel, contractVersion: string): EsIndexTemplate {
  const meta = { generatedBy: 'meshgraph', nodeType: node.name, contractVersion };
  const mappings = esMappingsOf(indexSpecOf(node));
  return {
    index_patterns: [`${esAliasOf(node.name)}_v*`],
    template: { settings: ES_INDEX_SETTINGS, mappings: { ...mappings, _meta: { ...mappings._meta, ...meta } } },
    _meta: meta,
  };
}

/** Index templates by node type name. */
export function compileElasticsearch(model: ContractModel, contractVersion: string): Record<string, EsIndexTemplate> {
  const out: Record<string, EsIndexTemplate> = {};
  for (const node of Object.values(model.types)) out[node.name] = compileIndexTemplate(node, contractVersion);
  return out;
}

export interface ReindexNeed {
  type: string;
  /** What indexes differently, e.g. `city: facet added`, `nickname: removed`. */
  differences: string[];
}

/**
 * Node types whose search index would change (in either store) between two contract models: each
 * needs `meshgraph reindex --type T` once the new contract is deployed. A new type needs none (its
 * index is created on first use); a removed one is reported by the breaking-change check.
 */
export function reindexNeeds(base: ContractModel, next: ContractModel): ReindexNeed[] {
  const needs: ReindexNeed[] = [];
  for (const [name, before] of Object.entries(base.types)) {
    const after = next.types[name];
    if (!after) continue;
    const [a, b] = [indexSpecOf(before), indexSpecOf(after)];
    if (!sameMapping(a, b)) needs.push({ type: name, differences: specDifferences(a, b) });
  }
  return needs;
}
