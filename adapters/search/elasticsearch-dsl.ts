// IndexSpec, filter AST, sort and free text as Elasticsearch request parts, typed with the
// client's own types. The mapping comes from core/contracts/elasticsearch.ts (the one the contract
// compiler writes): denormalized paths are objects, so every condition is a plain query on the
// dotted field and `accounts.status: active` means "any account is active", the meaning the
// SQLite store gives it; the shared suite checks both.
import type { estypes } from '@elastic/elasticsearch';
import { UserError } from '../../core/errors';
import { ES_DELETED_FIELD, ES_ID_FIELD, ES_INDEX_SETTINGS, esAliasOf, esMappingsOf } from '../../core/contracts/elasticsearch';
import type { Filter, SortKey } from '../../core/projection/filter';
import type { IndexFieldSpec, IndexSpec } from '../../core/projection/port';

export const ID_FIELD = ES_ID_FIELD;
export const DELETED_FIELD = ES_DELETED_FIELD;

export const aliasOf = esAliasOf;
export const versionedIndexOf = (spec: IndexSpec): string => `${aliasOf(spec.type)}_v${spec.version}`;

/** The mapping the contract compiler writes too, checked against the client's own types here. */
export function mappingsOf(spec: IndexSpec): estypes.MappingTypeMapping {
  return esMappingsOf(spec);
}

export const SETTINGS: estypes.IndicesIndexSettings = ES_INDEX_SETTINGS;

export function fieldOf(spec: IndexSpec, path: string): IndexFieldSpec {
  const field = spec.fields.find((f) => f.path === path);
  if (!field) throw new UserError(400, 'unknown-field', `${spec.type} has no indexed field ${path}`);
  return field;
}

/** The indexed field that holds exact values (text compares through its keyword sub-field). */
const exact = (field: IndexFieldSpec): string => (field.kind === 'text' ? `${field.path}.keyword` : field.path);

const MATCH_NONE: estypes.QueryDslQueryContainer = { match_none: {} };

export function filterQuery(spec: IndexSpec, filter: Filter): estypes.QueryDslQueryContainer {
  if ('and' in filter) return { bool: { filter: filter.and.map((f) => filterQuery(spec, f)) } };
  if ('or' in filter) return filter.or.length === 0 ? MATCH_NONE : { bool: { should: filter.or.map((f) => filterQuery(spec, f)), minimum_should_match: 1 } };
  if ('not' in filter) return { bool: { must_not: [filterQuery(spec, filter.not)] } };
  const field = fieldOf(spec, filter.field);
  const name = exact(field);
  switch (filter.op) {
    case 'exists': {
      // On the field itself: a text value longer than the keyword's ignore_above still exists.
      const exists: estypes.QueryDslQueryContainer = { exists: { field: field.path } };
      return filter.value ? exists : { bool: { must_not: [exists] } };
    }
    case 'eq':
      return { term: { [name]: filter.value } };
    case 'in':
      return filter.value.length === 0 ? MATCH_NONE : { terms: { [name]: filter.value } };
    case 'prefix':
      if (field.kind !== 'keyword' && field.kind !== 'text')
        throw new UserError(400, 'invalid-filter', `prefix needs a text or keyword field; ${filter.field} is ${field.kind}`);
      return { prefix: { [name]: filter.value } };
    default:
      return { range: { [name]: { [filter.op]: filter.value } } };
  }
}

/** Words only: a query without a letter or digit matches like no text at all (as in SQLite). */
export const hasWords = (text: string | undefined): text is string => text !== undefined && /[\p{L}\p{N}]/u.test(text);

export function searchQuery(spec: IndexSpec, request: { text?: string; filter?: Filter }): estypes.QueryDslQueryContainer {
  const filter: estypes.QueryDslQueryContainer[] = [{ term: { [DELETED_FIELD]: false } }];
  if (request.filter) filter.push(filterQuery(spec, request.filter));
  if (!hasWords(request.text)) return { bool: { filter } };
  const fields = spec.fields.filter((f) => f.searchable).map((f) => f.path);
  if (fields.length === 0) return MATCH_NONE;
  // A match query analyses the text and never parses it as query syntax; every word is required
  // somewhere among the searchable fields.
  return { bool: { filter, must: [{ multi_match: { query: request.text, fields, type: 'cross_fields', operator: 'and' } }] } };
}

export function sortOf(spec: IndexSpec, sort: readonly SortKey[] | undefined, ranked: boolean): estypes.SortCombinations[] {
  const keys: estypes.SortCombinations[] = (sort ?? []).map((key) => {
    const field = fieldOf(spec, key.field);
    if (!field.sortable) throw new UserError(400, 'not-sortable', `${spec.type}.${key.field} is not sortable`);
    return { [exact(field)]: { order: key.order, missing: '_last' } };
  });
  if (keys.length === 0 && ranked) keys.push({ _score: { order: 'desc' } });
  // The global id breaks ties, so every order is total and cursors are exact.
  return [...keys, { [ID_FIELD]: { order: 'asc' } }];
}

export function termsAggregation(spec: IndexSpec, path: string, size: number): estypes.AggregationsAggregationContainer {
  const field = fieldOf(spec, path);
  if (!field.facet) throw new UserError(400, 'not-facet', `${spec.type}.${path} is not a facet field`);
  return { terms: { field: exact(field), size, order: [{ _count: 'desc' }, { _key: 'asc' }] } };
}
