// Reads over one SQLite index version: search pages, facets, counts.
// FTS5 answers the words and the facet equalities (as tokens, see sqlite-layout.ts); the rest of
// the filter is checked on the narrow documents table. Ranked by relevance, the FTS5 match drives
// a join to the documents, bm25 is computed for at most `rankWindow` matching documents and the
// page is cut from those in memory: scoring every match of a very common word costs seconds, so
// the ranking considers a bounded window. Sorted by fields, the match becomes a rowid set and the
// documents table is read in sort order. Totals are exact up to `totalUpTo`, like
// Elasticsearch's `track_total_hits`, and counting stops there.
import type Database from 'better-sqlite3';
import { UserError } from '../../core/errors';
import { decodeCursor, encodeCursor } from '../../core/projection/cursor';
import type { CursorValue } from '../../core/projection/cursor';
import type { FacetBucket, ProjectionDoc, SearchHit, SearchPage, SearchRequest } from '../../core/projection/port';
import { afterCursorSql, bm25Sql, columnFor, matchQuery, orderBySql, readPlan, sortColumns } from './sqlite-query';
import type { ReadPlan, Sql } from './sqlite-query';
import type { IndexLayout } from './sqlite-layout';

export const DEFAULT_TOTAL_UP_TO = 10_000;
export const MAX_PAGE_SIZE = 1_000;

export interface ReadContext {
  db: Database.Database;
  /** Prepared statements by SQL text (preparing costs more than running a small query). */
  prepare(sql: string): Database.Statement;
  rankWindow: number;
}

type Row = Record<string, unknown>;

/** The WHERE clause shared by every read: live documents, the filter, the text. */
function matching(layout: IndexLayout, request: Pick<SearchRequest, 'text' | 'filter'>): Sql {
  const plan = readPlan(layout, request);
  if (plan.none) return { sql: '0', params: [] };
  // The documents table holds live documents only (a refresh removes tombstoned rows).
  const live = `(${plan.rest.sql})`;
  if (plan.fts === undefined) return { sql: live, params: plan.rest.params };
  return { sql: `${live} AND d.rid IN (SELECT rowid FROM ${layout.fts} WHERE ${layout.fts} MATCH ?)`, params: [...plan.rest.params, plan.fts] };
}

/** Counts matches up to `cap + 1`; when FTS5 takes part it drives, so counting stops early. */
function cappedCount(ctx: ReadContext, layout: IndexLayout, request: Pick<SearchRequest, 'text' | 'filter'>, cap: number): SearchPage['total'] {
  const plan = readPlan(layout, request);
  let sql: Sql;
  if (plan.fts === undefined || plan.none)
    sql = { sql: `SELECT 1 FROM ${layout.table} d WHERE ${matching(layout, request).sql}`, params: matching(layout, request).params };
  // Tombstones have no FTS5 row, nor a documents row: FTS5 alone counts when it answers the whole filter.
  else if (plan.rest.sql === '1') sql = { sql: `SELECT 1 FROM ${layout.fts} WHERE ${layout.fts} MATCH ?`, params: [plan.fts] };
  else
    sql = {
      sql: `SELECT 1 FROM ${layout.fts} CROSS JOIN ${layout.table} d ON d.rid = ${layout.fts}.rowid WHERE ${layout.fts} MATCH ? AND (${plan.rest.sql})`,
      params: [plan.fts, ...plan.rest.params],
    };
  const row = ctx.prepare(`SELECT count(*) AS n FROM (${sql.sql} LIMIT ?)`).get(...sql.params, cap + 1) as { n: number };
  return totalOf(row.n, cap);
}

const totalOf = (n: number, cap: number): SearchPage['total'] => (n > cap ? { value: cap, relation: 'gte' } : { value: n, relation: 'eq' });

export function toDoc(layout: IndexLayout, row: Row): ProjectionDoc {
  return {
    id: row['id'] as string,
    type: layout.spec.type,
    version: row['version'] as number,
    body: JSON.parse(row['body'] as string) as ProjectionDoc['body'],
  };
}

/** Hits in `rows` order, their stored documents read in one query. */
function hitsOf(ctx: ReadContext, layout: IndexLayout, rows: Array<{ rid: number; cursor: string; score?: number }>): SearchHit[] {
  const bodies = ctx
    .prepare(`SELECT s.rid, s.id, s.version, s.body FROM ${layout.source} s WHERE s.rid IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(rows.map((r) => r.rid))) as Row[];
  const byRid = new Map(bodies.map((row) => [row['rid'] as number, row]));
  // A row tombstoned by another connection since this read's refresh has no body: left out.
  return rows.flatMap((r) => {
    const row = byRid.get(r.rid);
    return row?.['body'] == null ? [] : [{ doc: toDoc(layout, row), cursor: r.cursor, ...(r.score === undefined ? {} : { score: r.score }) }];
  });
}

function pageOf(hits: SearchHit[], first: number, total: SearchPage['total']): SearchPage {
  const page = hits.slice(0, first);
  const last = page[page.length - 1];
  return { hits: page, total, hasNextPage: hits.length > first, ...(last ? { endCursor: last.cursor } : {}) };
}

function sortedSearch(ctx: ReadContext, layout: IndexLayout, request: SearchRequest, first: number, cap: number): SearchPage {
  const columns = sortColumns(layout, request.sort ?? []);
  const where = matching(layout, request);
  const after = request.after === undefined ? { sql: '1', params: [] } : afterCursorSql(columns, decodeCursor(request.after, columns.length));
  const sortValues = columns.map((c, i) => `${c.column} AS s${i}`).join(', ');
  const rows = ctx
    .prepare(`SELECT d.rid, ${sortValues} FROM ${layout.table} d WHERE ${where.sql} AND (${after.sql}) ORDER BY ${orderBySql(columns)} LIMIT ?`)
    .all(...where.params, ...after.params, first + 1) as Row[];
  const hits = hitsOf(
    ctx,
    layout,
    rows.map((row) => ({ rid: row['rid'] as number, cursor: encodeCursor(columns.map((_, i) => row[`s${i}`] as CursorValue)) })),
  );
  return pageOf(hits, first, cappedCount(ctx, layout, request, cap));
}

function rankedSearch(ctx: ReadContext, layout: IndexLayout, request: SearchRequest, plan: ReadPlan & { fts: string }, first: number, cap: number): SearchPage {
  const filter = plan.rest;
  const limit = Math.max(ctx.rankWindow, first + 1);
  // CROSS JOIN keeps the FTS5 match as the outer loop, which bm25() needs.
  const candidates = ctx
    .prepare(
      `SELECT d.rid AS rid, d.id AS id, ${bm25Sql(layout)} AS score FROM ${layout.fts} CROSS JOIN ${layout.table} d ON d.rid = ${layout.fts}.rowid WHERE ${layout.fts} MATCH ? AND (${filter.sql}) LIMIT ?`,
    )
    .all(plan.fts, ...filter.params, limit) as Array<{ rid: number; id: string; score: number }>;
  // bm25 is lower for better matches; ties go to the global id, as in every other order.
  candidates.sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let start = 0;
  if (request.after !== undefined) {
    const [score, id] = decodeCursor(request.after, 2) as [number, string];
    while (start < candidates.length && (candidates[start]!.score < score || (candidates[start]!.score === score && candidates[start]!.id <= id))) start++;
  }
  const window = candidates.slice(start, start + first + 1);
  const hits = hitsOf(
    ctx,
    layout,
    window.map((c) => ({ rid: c.rid, cursor: encodeCursor([c.score, c.id]), score: -c.score })),
  );
  // The window often settles the total: more candidates than the cap, or fewer than the window.
  const total = candidates.length > cap || candidates.length < limit ? totalOf(candidates.length, cap) : cappedCount(ctx, layout, request, cap);
  return pageOf(hits, first, total);
}

export function search(ctx: ReadContext, layout: IndexLayout, request: SearchRequest): SearchPage {
  const { first } = request;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
    throw new UserError(400, 'invalid-page', `first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
  const cap = request.totalUpTo ?? DEFAULT_TOTAL_UP_TO;
  const plan = readPlan(layout, request);
  if (matchQuery(request.text) !== undefined && !request.sort?.length && plan.fts !== undefined)
    return rankedSearch(ctx, layout, request, { ...plan, fts: plan.fts }, first, cap);
  return sortedSearch(ctx, layout, request, first, cap);
}

export function facets(
  ctx: ReadContext,
  layout: IndexLayout,
  fields: string[],
  request: Pick<SearchRequest, 'text' | 'filter'>,
  size: number,
): Record<string, FacetBucket[]> {
  const where = matching(layout, request);
  const out: Record<string, FacetBucket[]> = {};
  for (const path of fields) {
    const { field, column } = columnFor(layout, path);
    if (!field.facet) throw new UserError(400, 'not-facet', `${layout.spec.type}.${path} is not a facet field`);
    const from = field.list ? `${layout.table} d, json_each(d.${column}) v` : `${layout.table} d`;
    const value = field.list ? 'v.value' : `d.${column}`;
    const rows = ctx
      .prepare(
        `SELECT ${value} AS value, count(*) AS n FROM ${from} WHERE ${where.sql} AND ${value} IS NOT NULL GROUP BY ${value} ORDER BY n DESC, value ASC LIMIT ?`,
      )
      .all(...where.params, size) as Array<{ value: string | number; n: number }>;
    out[path] = rows.map((r) => ({
      value: field.kind === 'bool' ? r.value === 1 : field.kind === 'datetime' ? new Date(r.value).toISOString() : r.value,
      count: r.n,
    }));
  }
  return out;
}

export function count(ctx: ReadContext, layout: IndexLayout, request: Pick<SearchRequest, 'text' | 'filter'>): number {
  const where = matching(layout, request);
  return (ctx.prepare(`SELECT count(*) AS n FROM ${layout.table} d WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
}
