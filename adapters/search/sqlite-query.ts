// The filter AST, sort keys and free text as SQL over an IndexLayout. Every value is a bound
// parameter and every user token is quoted for FTS5, so no input is ever read as syntax.
import { UserError } from '../../core/errors';
import type { Filter, Scalar, SortKey } from '../../core/projection/filter';
import type { CursorValue } from '../../core/projection/cursor';
import { FACETS_COLUMN, facetToken, storedValue } from './sqlite-layout';
import type { ColumnLayout, IndexLayout } from './sqlite-layout';

export interface Sql {
  sql: string;
  params: unknown[];
}

const OPERATORS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export function columnFor(layout: IndexLayout, path: string): ColumnLayout {
  const column = layout.byPath.get(path);
  if (!column) throw new UserError(400, 'unknown-field', `${layout.spec.type} has no indexed field ${path}`);
  return column;
}

function leafSql(layout: IndexLayout, leaf: Exclude<Filter, { and: Filter[] } | { or: Filter[] } | { not: Filter }>): Sql {
  const { field, column } = columnFor(layout, leaf.field);
  const col = `d.${column}`;
  if (leaf.op === 'exists') return { sql: leaf.value ? `${col} IS NOT NULL` : `${col} IS NULL`, params: [] };
  // A list column holds a JSON array: the condition holds when any element satisfies it.
  const subject = field.list ? 'value' : col;
  let condition: Sql;
  if (leaf.op === 'in') {
    if (leaf.value.length === 0) return { sql: '0', params: [] };
    condition = { sql: `${subject} IN (${leaf.value.map(() => '?').join(', ')})`, params: leaf.value.map((v) => storedValue(field, v)) };
  } else if (leaf.op === 'prefix') {
    if (field.kind !== 'keyword' && field.kind !== 'text')
      throw new UserError(400, 'invalid-filter', `prefix needs a text or keyword field; ${leaf.field} is ${field.kind}`);
    // A range an index can serve; U+10FFFF sorts after every other character in UTF-8.
    condition = { sql: `${subject} >= ? AND ${subject} < ?`, params: [leaf.value, leaf.value + '\u{10FFFF}'] };
  } else {
    condition = { sql: `${subject} ${OPERATORS[leaf.op]} ?`, params: [storedValue(field, leaf.value)] };
  }
  if (!field.list) return condition;
  return { sql: `EXISTS (SELECT 1 FROM json_each(${col}) WHERE ${condition.sql})`, params: condition.params };
}

function join(parts: Sql[], operator: 'AND' | 'OR', empty: string): Sql {
  if (parts.length === 0) return { sql: empty, params: [] };
  return { sql: parts.map((p) => `(${p.sql})`).join(` ${operator} `), params: parts.flatMap((p) => p.params) };
}

export function filterSql(layout: IndexLayout, filter: Filter | undefined): Sql {
  if (!filter) return { sql: '1', params: [] };
  if ('and' in filter)
    return join(
      filter.and.map((f) => filterSql(layout, f)),
      'AND',
      '1',
    );
  if ('or' in filter)
    return join(
      filter.or.map((f) => filterSql(layout, f)),
      'OR',
      '0',
    );
  if ('not' in filter) {
    // A comparison with a missing value is NULL in SQL; `not` must treat it as false, as
    // Elasticsearch's must_not does.
    const inner = filterSql(layout, filter.not);
    return { sql: `NOT COALESCE((${inner.sql}), 0)`, params: inner.params };
  }
  return leafSql(layout, filter);
}

/** An FTS5 query for free text: each word quoted (`"` doubled), all required; undefined = no words. */
export function matchQuery(text: string | undefined): string | undefined {
  // Control characters (NUL ends an FTS5 string) separate words like spaces do.
  const tokens = (text ?? '')
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/)
    .filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (tokens.length === 0) return undefined;
  return tokens.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ');
}

export interface SortColumn {
  column: string;
  descending: boolean;
  field: ColumnLayout['field'] | undefined;
}

/** Sort columns with the global id as the final tie-breaker, so every order is total. */
export function sortColumns(layout: IndexLayout, sort: readonly SortKey[]): SortColumn[] {
  const columns = sort.map((key): SortColumn => {
    const { field, column } = columnFor(layout, key.field);
    if (!field.sortable) throw new UserError(400, 'not-sortable', `${layout.spec.type}.${key.field} is not sortable`);
    return { column: `d.${column}`, descending: key.order === 'desc', field };
  });
  return [...columns, { column: 'd.id', descending: false, field: undefined }];
}

export function orderBySql(columns: readonly SortColumn[]): string {
  // Missing values last in both directions, as Elasticsearch sorts them.
  return columns.map((c) => `${c.column} ${c.descending ? 'DESC' : 'ASC'} NULLS LAST`).join(', ');
}

/** Rows strictly after the cursor in `columns` order (keyset pagination, stable under writes). */
export function afterCursorSql(columns: readonly SortColumn[], cursor: readonly CursorValue[]): Sql {
  const [first, ...rest] = columns;
  if (!first) return { sql: '0', params: [] };
  const value = cursor[0] ?? null;
  const beyond: Sql =
    value === null ? { sql: '0', params: [] } : { sql: `${first.column} ${first.descending ? '<' : '>'} ? OR ${first.column} IS NULL`, params: [value] };
  if (rest.length === 0) return beyond;
  const same: Sql = value === null ? { sql: `${first.column} IS NULL`, params: [] } : { sql: `${first.column} = ?`, params: [value] };
  const tail = afterCursorSql(rest, cursor.slice(1));
  return { sql: `(${beyond.sql}) OR ((${same.sql}) AND (${tail.sql}))`, params: [...beyond.params, ...same.params, ...tail.params] };
}

/** A read split in two: what FTS5 answers (words, facet equalities) and what SQL checks after. */
export interface ReadPlan {
  /** FTS5 query, when FTS5 takes part. */
  fts?: string;
  rest: Sql;
  /** Nothing can match (text over an index without searchable fields). */
  none: boolean;
}

type Leaf = Extract<Filter, { field: string }>;

/** A facet equality FTS5 can answer exactly, as an FTS5 expression; undefined when it cannot. */
function tokenExpression(layout: IndexLayout, leaf: Leaf): string | undefined {
  if (leaf.op !== 'eq' && leaf.op !== 'in') return undefined;
  const column = layout.tokenized.find((c) => c.field.path === leaf.field);
  if (!column) return undefined;
  const values: Scalar[] = leaf.op === 'eq' ? [leaf.value] : leaf.op === 'in' ? leaf.value : [];
  if (values.length === 0) return undefined;
  const tokens = values.map((v) => facetToken(column, storedValue(column.field, v)));
  if (tokens.some((t) => t === undefined)) return undefined;
  return `${FACETS_COLUMN} : (${tokens.map((t) => `"${t}"`).join(' OR ')})`;
}

function conjuncts(filter: Filter | undefined): Filter[] {
  if (!filter) return [];
  return 'and' in filter ? filter.and.flatMap(conjuncts) : [filter];
}

export function readPlan(layout: IndexLayout, request: { text?: string; filter?: Filter }): ReadPlan {
  const parts: string[] = [];
  const words = matchQuery(request.text);
  if (words !== undefined) {
    if (layout.searchable.length === 0) return { rest: { sql: '0', params: [] }, none: true };
    // Words match searchable columns only, never the facet tokens.
    parts.push(`{${layout.searchable.map((c) => c.column).join(' ')}} : (${words})`);
  }
  const rest: Filter[] = [];
  for (const part of conjuncts(request.filter)) {
    const expression = 'field' in part ? tokenExpression(layout, part) : undefined;
    if (expression) parts.push(expression);
    else rest.push(part);
  }
  return { ...(parts.length > 0 ? { fts: parts.join(' AND ') } : {}), rest: filterSql(layout, rest.length > 0 ? { and: rest } : undefined), none: false };
}

/** bm25 over the searchable columns; the facet tokens weigh nothing. */
export function bm25Sql(layout: IndexLayout): string {
  const weights = [...layout.searchable.map(() => '1'), ...(layout.tokenized.length > 0 ? ['0'] : [])];
  return `bm25(${layout.fts}, ${weights.join(', ')})`;
}
