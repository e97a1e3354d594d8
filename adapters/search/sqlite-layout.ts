// How one index version lays out in SQLite, in two stages, as Elasticsearch splits a write from a
// refresh:
// - written by a bulk: the source table (id, version, tombstone flag, JSON body; what get and
//   mget read and what versioned writes compare with) and a pending table of rowids to refresh;
// - built by a refresh (sqlite-writer.ts), in large batches: a narrow documents table of live
//   documents with one typed column per indexed field (values computed in JS once per refresh,
//   so filters, sorts and facets never parse JSON, and many rows fit a page for the per-match
//   checks of a text search), a contentless FTS5 table over the searchable fields, and B-tree
//   indexes only where a query needs order (sortable fields).
// The three share one rowid (`rid`), assigned by the source table.
// Exact facet values (keyword, bool, int) are also written to the FTS5 table as one token each,
// so an equality filter on a facet intersects posting lists with the text inside FTS5 instead of
// checking every text match against the documents table (a common word with a rare city).
import type Database from 'better-sqlite3';
import type { IndexFieldSpec, IndexSpec, ProjectionDoc } from '../../core/projection/port';
import { valuesAt } from '../../core/projection/document';
import type { FieldValue } from '../../core/projection/document';

export interface ColumnLayout {
  field: IndexFieldSpec;
  /** Column in the documents table: the value, or a JSON array of distinct values for a list. */
  column: string;
}

export interface IndexLayout {
  name: string;
  spec: IndexSpec;
  table: string;
  fts: string;
  /** id, version, deleted, body: the stored documents, tombstones included. */
  source: string;
  /** Rowids written since the last refresh. */
  pending: string;
  columns: ColumnLayout[];
  /** Searchable fields, in FTS5 column order. */
  searchable: ColumnLayout[];
  /** Facet fields whose values are also FTS5 tokens (the last FTS5 column, `facets`). */
  tokenized: ColumnLayout[];
  /** Whether the index has an FTS5 table at all. */
  hasFts: boolean;
  byPath: Map<string, ColumnLayout>;
}

export const FACETS_COLUMN = 'facets';
const TOKENIZED_KINDS = new Set<IndexFieldSpec['kind']>(['keyword', 'bool', 'int']);
/** Longer values get no token; a filter on such a value is checked on the documents table. */
const MAX_TOKENIZED_BYTES = 64;

/** One FTS5 token for an exact value: column and value, hex-encoded so no tokenizer splits it. */
export function facetToken(column: ColumnLayout, stored: string | number): string | undefined {
  const bytes = Buffer.from(String(stored), 'utf8');
  return bytes.length > MAX_TOKENIZED_BYTES ? undefined : `x${column.column}x${bytes.toString('hex')}`;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function indexNameOf(spec: IndexSpec): string {
  return `${spec.type}_v${spec.version}`;
}

export function layoutOf(spec: IndexSpec): IndexLayout {
  const name = indexNameOf(spec);
  const columns = spec.fields.map((field, i) => ({ field, column: `f${i}` }));
  const tokenized = columns.filter((c) => c.field.facet && TOKENIZED_KINDS.has(c.field.kind));
  return {
    name,
    spec,
    table: quoteIdent(name),
    fts: quoteIdent(`${name}_fts`),
    source: quoteIdent(`${name}_src`),
    pending: quoteIdent(`${name}_pending`),
    columns,
    searchable: columns.filter((c) => c.field.searchable),
    tokenized,
    hasFts: columns.some((c) => c.field.searchable) || tokenized.length > 0,
    byPath: new Map(columns.map((c) => [c.field.path, c])),
  };
}

const AFFINITY: Record<IndexFieldSpec['kind'], string> = {
  text: 'TEXT',
  keyword: 'TEXT',
  int: 'INTEGER',
  float: 'REAL',
  bool: 'INTEGER',
  // Epoch milliseconds: ISO strings with different offsets do not compare as text.
  datetime: 'INTEGER',
};

export function createIndexSql(layout: IndexLayout): string[] {
  const cols = layout.columns.map((c) => `${c.column} ${c.field.list ? 'TEXT' : AFFINITY[c.field.kind]}`);
  const statements = [
    // rid is the FTS5 rowid; declared so that VACUUM never renumbers it.
    `CREATE TABLE IF NOT EXISTS ${layout.source} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, deleted INTEGER NOT NULL, body TEXT)`,
    `CREATE TABLE IF NOT EXISTS ${layout.pending} (rid INTEGER PRIMARY KEY)`,
    // Live documents only: a tombstone removes its row, so reads never check a deleted flag.
    `CREATE TABLE IF NOT EXISTS ${layout.table} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL${cols.map((c) => ', ' + c).join('')})`,
  ];
  for (const c of layout.columns) {
    // Only sorting needs an order kept on every write: (value, id) serves ORDER BY value, id keyset
    // pages (and GROUP BY value facets). A facet-only field is counted over the matching rows;
    // each index costs every bulk a B-tree insert per document.
    if (c.field.list || !c.field.sortable) continue;
    statements.push(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${layout.name}_${c.column}`)} ON ${layout.table} (${c.column}, id)`);
  }
  if (layout.hasFts) {
    // Contentless: the text lives in the source already; contentless_delete lets updates replace rows.
    const ftsCols = ftsColumns(layout).join(', ');
    statements.push(
      `CREATE VIRTUAL TABLE IF NOT EXISTS ${layout.fts} USING fts5(${ftsCols}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
    );
  }
  return statements;
}

export function dropIndexSql(layout: IndexLayout): string[] {
  return [
    `DROP TABLE IF EXISTS ${layout.fts}`,
    `DROP TABLE IF EXISTS ${layout.table}`,
    `DROP TABLE IF EXISTS ${layout.pending}`,
    `DROP TABLE IF EXISTS ${layout.source}`,
  ];
}

/** A value as stored in a typed column (and as compared in filters and cursors). */
export function storedValue(field: IndexFieldSpec, value: FieldValue): string | number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (field.kind === 'datetime' && typeof value === 'string') return Date.parse(value);
  return value;
}

/** The typed column values of a live document, in `layout.columns` order. */
export function columnValues(layout: IndexLayout, body: ProjectionDoc['body']): Array<string | number | null> {
  return layout.columns.map(({ field }) => {
    const values = valuesAt(body, field.path);
    if (!field.list) return values.length === 0 ? null : storedValue(field, values[0]!);
    if (values.length === 0) return null;
    // Distinct, so a facet counts each document once per value.
    return JSON.stringify([...new Set(values.map((v) => storedValue(field, v)))]);
  });
}

export function ftsColumns(layout: IndexLayout): string[] {
  return [...layout.searchable.map((c) => c.column), ...(layout.tokenized.length > 0 ? [FACETS_COLUMN] : [])];
}

/** FTS5 column values: a list's texts on separate lines (no phrase spans two), then facet tokens. */
export function ftsValues(layout: IndexLayout, body: ProjectionDoc['body']): string[] {
  const texts = layout.searchable.map(({ field }) => valuesAt(body, field.path).map(String).join('\n'));
  if (layout.tokenized.length === 0) return texts;
  const tokens = new Set<string>();
  for (const column of layout.tokenized) {
    for (const value of valuesAt(body, column.field.path)) {
      const token = facetToken(column, storedValue(column.field, value));
      if (token) tokens.add(token);
    }
  }
  return [...texts, [...tokens].join(' ')];
}

export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}
