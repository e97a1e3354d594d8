// The filter language shared by GraphQL inputs, the search adapters and tests: a small AST.
// Field paths are dotted: `segment` on the node itself, `accounts.status` on a denormalized path.

export type Scalar = string | number | boolean;

export type FilterOp = 'eq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'prefix' | 'exists';

export type Filter =
  | { and: Filter[] }
  | { or: Filter[] }
  | { not: Filter }
  | { field: string; op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'; value: Scalar }
  | { field: string; op: 'in'; value: Scalar[] }
  | { field: string; op: 'prefix'; value: string }
  | { field: string; op: 'exists'; value: boolean };

export interface SortKey {
  field: string;
  order: 'asc' | 'desc';
}

/** Every field path a filter mentions (for permission checks such as PII roles). */
export function filterFields(filter: Filter | undefined): string[] {
  if (!filter) return [];
  if ('and' in filter) return filter.and.flatMap(filterFields);
  if ('or' in filter) return filter.or.flatMap(filterFields);
  if ('not' in filter) return filterFields(filter.not);
  return [filter.field];
}
