// The embedded ProjectionStore: one SQLite file under MESH_DATA_DIR (WAL), one table set per
// index version (adapters/search/sqlite-layout.ts) and an alias table, so aliases and indexes
// survive restarts and a reindex in another process is seen by the next query.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SystemError, UserError, errorMessage } from '../../core/errors';
import type { BulkResult, FacetBucket, IndexSpec, ProjectionDoc, ProjectionStore, SearchPage, SearchRequest } from '../../core/projection/port';
import { createIndexSql, dropIndexSql, layoutOf } from './sqlite-layout';
import type { IndexLayout } from './sqlite-layout';
import { count, facets, search, toDoc } from './sqlite-search';
import type { ReadContext } from './sqlite-search';
import { IndexWriter } from './sqlite-writer';
import type { FreshRows } from './sqlite-writer';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throwaway store. */
  file: string;
  /** Matches scored per ranked page (see sqlite-search.ts). */
  rankWindow?: number;
}

export const SQLITE_FILE_NAME = 'projections.sqlite';
export const DEFAULT_RANK_WINDOW = 1_000;

/** The store in `dataDir` (MESH_DATA_DIR), created on first use. */
export function openSqliteStore(dataDir: string, options: Partial<SqliteStoreOptions> = {}): SqliteProjectionStore {
  fs.mkdirSync(dataDir, { recursive: true });
  return new SqliteProjectionStore({ ...options, file: path.join(dataDir, SQLITE_FILE_NAME) });
}

export class SqliteProjectionStore implements ProjectionStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writers = new Map<string, IndexWriter>();
  private readonly reads: ReadContext;

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed bulk survives a process crash; the index is rebuildable anyway.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Text searches check filters row by row: keep the narrow documents table in memory.
    this.db.pragma('cache_size = -262144');
    this.db.pragma('mmap_size = 1073741824');
    this.db.exec(`CREATE TABLE IF NOT EXISTS mesh_indexes (name TEXT PRIMARY KEY, spec TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS mesh_aliases (type TEXT PRIMARY KEY, index_name TEXT NOT NULL REFERENCES mesh_indexes(name));`);
    this.reads = { db: this.db, prepare: (sql) => this.prepare(sql), rankWindow: options.rankWindow ?? DEFAULT_RANK_WINDOW };
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size > 500) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private layout(index: string): IndexLayout | undefined {
    const cached = this.writers.get(index);
    if (cached) return cached.layout;
    const row = this.prepare('SELECT spec FROM mesh_indexes WHERE name = ?').get(index) as { spec: string } | undefined;
    return row ? this.writer(layoutOf(JSON.parse(row.spec) as IndexSpec)).layout : undefined;
  }

  private aliasTarget(type: string): IndexLayout | undefined {
    const row = this.prepare('SELECT index_name FROM mesh_aliases WHERE type = ?').get(type) as { index_name: string } | undefined;
    return row ? this.layout(row.index_name) : undefined;
  }

  private readable(type: string): IndexLayout {
    const layout = this.aliasTarget(type);
    if (!layout) throw new UserError(404, 'unknown-index', `no search index for type ${type} (create one and point the alias at it)`);
    return layout;
  }

  private writer(layout: IndexLayout): IndexWriter {
    let writer = this.writers.get(layout.name);
    if (!writer) this.writers.set(layout.name, (writer = new IndexWriter(this.db, layout)));
    return writer;
  }

  async createIndex(spec: IndexSpec): Promise<{ index: string }> {
    const layout = layoutOf(spec);
    const existing = this.prepare('SELECT spec FROM mesh_indexes WHERE name = ?').get(layout.name) as { spec: string } | undefined;
    if (existing && existing.spec !== JSON.stringify(spec)) throw new SystemError(`index ${layout.name} exists with another mapping; bump the spec version`);
    this.db.transaction(() => {
      for (const sql of createIndexSql(layout)) this.db.exec(sql);
      this.prepare('INSERT OR IGNORE INTO mesh_indexes (name, spec) VALUES (?, ?)').run(layout.name, JSON.stringify(spec));
    })();
    return { index: layout.name };
  }

  async swapAlias(type: string, index: string): Promise<void> {
    const layout = this.layout(index);
    if (!layout || layout.spec.type !== type) throw new UserError(404, 'unknown-index', `no index ${index} of type ${type}`);
    this.prepare('INSERT INTO mesh_aliases (type, index_name) VALUES (?, ?) ON CONFLICT(type) DO UPDATE SET index_name = excluded.index_name').run(type, index);
  }

  async deleteIndex(index: string): Promise<void> {
    const layout = this.layout(index);
    if (!layout) return;
    this.db.transaction(() => {
      // As in Elasticsearch, deleting an index removes the alias that pointed at it.
      this.prepare('DELETE FROM mesh_aliases WHERE index_name = ?').run(index);
      this.prepare('DELETE FROM mesh_indexes WHERE name = ?').run(index);
      for (const sql of dropIndexSql(layout)) this.db.exec(sql);
    })();
    this.writers.delete(index);
    this.statements.clear();
  }

  async bulk(docs: ProjectionDoc[], options: { index?: string } = {}): Promise<BulkResult> {
    const result: BulkResult = { written: 0, stale: 0, failed: [] };
    const target = options.index === undefined ? undefined : this.layout(options.index);
    const write = this.db.transaction(() => {
      // Read once per bulk: the alias of each type, and per index the first rowid this bulk can
      // create (rows are never removed, tombstones stay, so a rowid above the old maximum is new).
      const aliases = new Map<string, IndexLayout | undefined>();
      const fresh = new Map<string, FreshRows>();
      for (const doc of docs) {
        if (options.index === undefined && !aliases.has(doc.type)) aliases.set(doc.type, this.aliasTarget(doc.type));
        const layout = options.index === undefined ? aliases.get(doc.type) : target;
        if (!layout) {
          result.failed.push({ id: doc.id, retryable: false, reason: `no search index ${options.index ?? `for type ${doc.type}`}` });
          continue;
        }
        const writer = this.writer(layout);
        let rows = fresh.get(layout.name);
        if (!rows) fresh.set(layout.name, (rows = writer.freshRows()));
        writer.write(doc, result, rows);
      }
    });
    try {
      write();
    } catch (err) {
      // The transaction rolled back: nothing of this bulk is written, all of it may be retried.
      const reason = `sqlite: ${errorMessage(err)}`;
      return { written: 0, stale: 0, failed: docs.map((d) => ({ id: d.id, retryable: true, reason })) };
    }
    return result;
  }

  async get(type: string, id: string): Promise<ProjectionDoc | undefined> {
    return (await this.mget(type, [id]))[0];
  }

  async mget(type: string, ids: string[]): Promise<Array<ProjectionDoc | undefined>> {
    const layout = this.readable(type);
    const rows = this.prepare(`SELECT d.id, d.version, b.body FROM ${layout.table} d JOIN ${layout.bodies} b ON b.rid = d.rid WHERE d.id IN (SELECT value FROM json_each(?)) AND d.deleted = 0`).all(JSON.stringify(ids)) as Array<Record<string, unknown>>;
    const byId = new Map(rows.map((row) => [row['id'] as string, toDoc(layout, row)]));
    return ids.map((id) => byId.get(id));
  }

  async search(type: string, request: SearchRequest): Promise<SearchPage> {
    return search(this.reads, this.readable(type), request);
  }

  async facets(type: string, fields: string[], request: Pick<SearchRequest, 'text' | 'filter'>, size = 10): Promise<Record<string, FacetBucket[]>> {
    return facets(this.reads, this.readable(type), fields, request, size);
  }

  async count(type: string, request: Pick<SearchRequest, 'text' | 'filter'> = {}): Promise<number> {
    return count(this.reads, this.readable(type), request);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

