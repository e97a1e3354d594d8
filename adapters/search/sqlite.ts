// The embedded ProjectionStore: one SQLite file under MESH_DATA_DIR (WAL), one table set per
// index version (adapters/search/sqlite-layout.ts) and an alias table, so aliases and indexes
// survive restarts and a reindex in another process is seen by the next query.
// Like Elasticsearch, a write and its searchability are two steps: a bulk commits documents to
// the source table (get and mget see them at once, and they survive a crash) and a refresh makes
// them searchable in large batches, `refreshMs` after a bulk, before any search, facet or count
// that finds documents pending, and before an alias is pointed at an index.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RecentCache } from '../../core/recent-cache';
import { ConfigError, SystemError, errorMessage } from '../../core/errors';
import {
  UnknownIndexError,
  type BulkResult,
  type FacetBucket,
  type IndexSpec,
  type IndexVersion,
  type ProjectionDoc,
  type ProjectionStore,
  type SearchPage,
  type SearchRequest,
} from '../../core/projection/port';
import { createIndexSql, dropIndexSql, hasTable, layoutOf } from './sqlite-layout';
import type { IndexLayout } from './sqlite-layout';
import { count, facets, search, toDoc } from './sqlite-search';
import type { ReadContext } from './sqlite-search';
import { IndexWriter } from './sqlite-writer';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throwaway store. */
  file: string;
  /** Matches scored per ranked page (see sqlite-search.ts). */
  rankWindow?: number;
  /** How long after a bulk its documents are made searchable in the background (reads never wait longer: they refresh first). */
  refreshMs?: number;
  /** Documents per refresh transaction. */
  refreshBatch?: number;
}

export const SQLITE_FILE_NAME = 'projections.sqlite';
export const DEFAULT_RANK_WINDOW = 1_000;
/**
 * Elasticsearch's default refresh_interval. A node's document is rewritten as its neighbours'
 * news arrives: on the demo load, 1 s refreshes 28% fewer rows than 100 ms did (13.6k against
 * 18.9k for 19k documents written). Reads never wait for it: they refresh what is pending first.
 */
export const DEFAULT_REFRESH_MS = 1000;
export const DEFAULT_REFRESH_BATCH = 10_000;

/** The store in `dataDir` (MESH_DATA_DIR), created on first use. */
export function openSqliteStore(dataDir: string, options: Partial<SqliteStoreOptions> = {}): SqliteProjectionStore {
  fs.mkdirSync(dataDir, { recursive: true });
  return new SqliteProjectionStore({ ...options, file: path.join(dataDir, SQLITE_FILE_NAME) });
}

export class SqliteProjectionStore implements ProjectionStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Search, facet and count results, valid while the stamp they were computed under holds. */
  private readonly results = new RecentCache<string, { stamp: string; value: unknown }>(2000);
  private generation = 0;
  private readonly writers = new Map<string, IndexWriter>();
  /**
   * The index behind each alias, as last read, valid while `aliasesVersion` is this connection's
   * `data_version`: another connection's commit (a reindex in another process) changes it, and
   * this connection's own swaps and deletes clear the map.
   */
  private readonly aliases = new Map<string, IndexLayout>();
  private aliasesVersion = -1;
  private readonly reads: ReadContext;
  private readonly refreshMs: number;
  private readonly refreshBatch: number;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(options: SqliteStoreOptions) {
    this.refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
    this.refreshBatch = options.refreshBatch ?? DEFAULT_REFRESH_BATCH;
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
    for (const { name } of this.db.prepare('SELECT name FROM mesh_indexes').all() as Array<{ name: string }>) {
      this.checkLayout(name, options.file);
      this.layout(name);
    }
    // Documents a crash or another process left unrefreshed.
    if ([...this.writers.values()].some((w) => w.hasPending())) this.scheduleRefresh();
  }

  /** An index of a layout this version does not read (an early build's) is refused with the remedy. */
  private checkLayout(index: string, file: string): void {
    if (hasTable(this.db, `${index}_src`) || !hasTable(this.db, index)) return;
    this.db.close();
    throw new ConfigError(
      'MESH_DATA_DIR',
      `the search index ${index} in ${file} was written by an earlier meshgraph in a layout this one does not read: delete that file (the index is rebuilt from the actors) and run 'meshgraph reindex'`,
    );
  }

  /** Makes every pending document of `index` (default: every index) searchable now. */
  refresh(index?: string): void {
    const writers = index === undefined ? [...this.writers.values()] : [this.writerOf(index)].filter((w) => w !== undefined);
    for (const writer of writers) while (this.refreshStep(writer) > 0);
  }

  private refreshStep(writer: IndexWriter): number {
    const applied = this.db.transaction(() => writer.refresh(this.refreshBatch)).immediate();
    if (applied > 0) this.generation++;
    return applied;
  }

  /**
   * What searches, facets and counts see changes with every refresh here (the generation) and
   * every commit of another connection (`data_version`): a result cached under an older stamp is
   * never served. Like Elasticsearch's request cache, which a refresh invalidates.
   */
  private stamp(): string {
    return `${this.generation}:${this.dataVersion()}`;
  }

  /** Changes when another connection commits to the file (not on this connection's own commits). */
  private dataVersion(): number {
    return this.prepare('PRAGMA data_version').pluck().get() as number;
  }

  private cached<T>(key: string, compute: () => T): T {
    const stamp = this.stamp();
    const hit = this.results.get(key);
    if (hit && hit.stamp === stamp) return hit.value as T;
    const value = compute();
    this.results.set(key, { stamp, value });
    return value;
  }

  /** Documents written but not searchable yet, over every index (the refresh backlog). */
  unrefreshed(): number {
    let n = 0;
    for (const [index, writer] of this.writers) {
      try {
        n += writer.pendingCount();
      } catch (err) {
        if (!this.forgetIfDeleted(index)) throw err;
      }
    }
    return n;
  }

  /** Forgets the writer of an index another process (a reindex) deleted; false if it still exists. */
  private forgetIfDeleted(index: string): boolean {
    if (this.prepare('SELECT 1 FROM mesh_indexes WHERE name = ?').get(index)) return false;
    this.writers.delete(index);
    return true;
  }

  private writerOf(index: string): IndexWriter | undefined {
    return this.layout(index) ? this.writers.get(index) : undefined;
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer || !this.db.open) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.backgroundRefresh();
    }, this.refreshMs);
    this.refreshTimer.unref();
  }

  /** One batch per index per turn of the event loop, so entity invocations keep running meanwhile. */
  private backgroundRefresh(): void {
    if (!this.db.open) return;
    let more = false;
    let failed = false;
    for (const [index, writer] of [...this.writers.entries()]) {
      try {
        if (this.refreshStep(writer) >= this.refreshBatch) more = true;
      } catch {
        // Busy, or the index was deleted by another process: reads refresh for themselves meanwhile.
        if (!this.forgetIfDeleted(index)) failed = true;
      }
    }
    if (more) setImmediate(() => this.backgroundRefresh()).unref();
    else if (failed) this.scheduleRefresh();
  }

  /** A read over the alias's index: pending documents are made searchable first; one snapshot throughout. */
  private read<T>(type: string, body: (layout: IndexLayout) => T): T {
    const layout = this.readable(type);
    const writer = this.writer(layout);
    if (writer.hasPending()) {
      try {
        this.refresh(layout.name);
      } catch {
        // A refresh that cannot write (disk full, busy) leaves the pending documents pending:
        // the read answers from what is searchable, and the background refresh tries again.
        this.scheduleRefresh();
      }
    }
    return this.db.transaction(() => body(this.readable(type)))();
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

  /** The alias's index: from the cache unless another connection committed since it was filled. */
  private aliasTarget(type: string): IndexLayout | undefined {
    const version = this.dataVersion();
    if (version !== this.aliasesVersion) {
      this.aliases.clear();
      this.aliasesVersion = version;
    }
    const cached = this.aliases.get(type);
    if (cached) return cached;
    const row = this.prepare('SELECT index_name FROM mesh_aliases WHERE type = ?').get(type) as { index_name: string } | undefined;
    const layout = row ? this.layout(row.index_name) : undefined;
    if (layout) this.aliases.set(type, layout);
    return layout;
  }

  private forgetAliases(): void {
    this.aliases.clear();
    this.aliasesVersion = -1;
  }

  private readable(type: string): IndexLayout {
    const layout = this.aliasTarget(type);
    if (!layout) throw new UnknownIndexError(type, `no search index for type ${type} (create one and point the alias at it)`);
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
    if (!layout || layout.spec.type !== type) throw new UnknownIndexError(index, `no index ${index} of type ${type}`);
    // The first query on the new index should not pay for the copy's refresh.
    this.refresh(index);
    this.prepare('INSERT INTO mesh_aliases (type, index_name) VALUES (?, ?) ON CONFLICT(type) DO UPDATE SET index_name = excluded.index_name').run(type, index);
    this.forgetAliases();
    this.generation++;
  }

  async indexes(type: string): Promise<IndexVersion[]> {
    const rows = this.prepare('SELECT i.name, i.spec, a.type AS aliased FROM mesh_indexes i LEFT JOIN mesh_aliases a ON a.index_name = i.name').all() as Array<{
      name: string;
      spec: string;
      aliased: string | null;
    }>;
    return rows
      .map((r) => ({ row: r, spec: JSON.parse(r.spec) as IndexSpec }))
      .filter(({ spec }) => spec.type === type)
      .map(({ row, spec }) => ({ index: row.name, version: spec.version, aliased: row.aliased !== null }))
      .sort((a, b) => a.version - b.version);
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
    this.forgetAliases();
    this.generation++;
  }

  async bulk(docs: ProjectionDoc[], options: { index?: string } = {}): Promise<BulkResult> {
    const result: BulkResult = { written: 0, stale: 0, failed: [] };
    const target = options.index === undefined ? undefined : this.layout(options.index);
    const write = this.db.transaction(() => {
      const aliases = new Map<string, IndexLayout | undefined>();
      for (const doc of docs) {
        if (options.index === undefined && !aliases.has(doc.type)) aliases.set(doc.type, this.aliasTarget(doc.type));
        const layout = options.index === undefined ? aliases.get(doc.type) : target;
        if (!layout) {
          result.failed.push({ id: doc.id, retryable: false, reason: `no search index ${options.index ?? `for type ${doc.type}`}` });
          continue;
        }
        this.writer(layout).write(doc, result);
      }
    });
    try {
      write();
    } catch (err) {
      // The transaction rolled back: nothing of this bulk is written, all of it may be retried.
      const reason = `sqlite: ${errorMessage(err)}`;
      return { written: 0, stale: 0, failed: docs.map((d) => ({ id: d.id, retryable: true, reason })) };
    }
    if (result.written > 0) this.scheduleRefresh();
    return result;
  }

  async get(type: string, id: string): Promise<ProjectionDoc | undefined> {
    return (await this.mget(type, [id]))[0];
  }

  /**
   * From the source table: a document is there as soon as its bulk returned, refreshed or not.
   * The hot read of GraphQL, so one statement: it reads the alias's index with the documents, in
   * the same snapshot, and a read from an index the alias no longer names (moved by another
   * connection since the cache was filled, or deleted) is done again on the alias's index.
   */
  async mget(type: string, ids: string[]): Promise<Array<ProjectionDoc | undefined>> {
    for (let attempt = 1; ; attempt++) {
      const cached = this.aliases.get(type);
      const layout = cached ?? this.readable(type);
      let rows: Array<Record<string, unknown>>;
      try {
        rows = this.prepare(mgetSql(layout, ids.length)).all(ids.length === 1 ? ids[0] : JSON.stringify(ids), type) as Array<Record<string, unknown>>;
      } catch (err) {
        // No such table: another connection deleted the cached index.
        if (!cached) throw err;
        this.forgetAliases();
        continue;
      }
      const first = rows[0];
      if (first?.['aliased'] !== layout.name) {
        if (attempt >= 3) throw new SystemError(`the alias of ${type} moved during each of ${attempt} reads`);
        this.forgetAliases();
        continue;
      }
      if (ids.length === 1) return [first['id'] === null ? undefined : toDoc(layout, first)];
      const byId = new Map(rows.filter((row) => row['id'] !== null).map((row) => [row['id'] as string, toDoc(layout, row)]));
      return ids.map((id) => byId.get(id));
    }
  }

  async search(type: string, request: SearchRequest): Promise<SearchPage> {
    return this.read(type, (layout) => this.cached(`s|${layout.name}|${JSON.stringify(request)}`, () => search(this.reads, layout, request)));
  }

  async facets(type: string, fields: string[], request: Pick<SearchRequest, 'text' | 'filter'>, size = 10): Promise<Record<string, FacetBucket[]>> {
    return this.read(type, (layout) =>
      this.cached(`f|${layout.name}|${fields.join(',')}|${size}|${JSON.stringify(request)}`, () => facets(this.reads, layout, fields, request, size)),
    );
  }

  async count(type: string, request: Pick<SearchRequest, 'text' | 'filter'> = {}): Promise<number> {
    return this.read(type, (layout) => this.cached(`c|${layout.name}|${JSON.stringify(request)}`, () => count(this.reads, layout, request)));
  }

  async close(): Promise<void> {
    // Pending documents stay pending in the file; the next store to open it refreshes them.
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.db.close();
  }
}

const mgetSqls = new WeakMap<IndexLayout, { one: string; many: string }>();

/**
 * The documents of `layout` with these ids (parameters: one id as is, more as a JSON array; then the
 * type), each row with the index the type's alias names (`aliased`; one row without a document
 * when none is found, none when the alias is gone).
 */
function mgetSql(layout: IndexLayout, ids: number): string {
  let sql = mgetSqls.get(layout);
  if (!sql) {
    const read = (match: string) =>
      `SELECT a.index_name AS aliased, s.id, s.version, s.body FROM mesh_aliases a LEFT JOIN ${layout.source} s ON ${match} AND s.deleted = 0 WHERE a.type = ?`;
    sql = { one: read('s.id = ?'), many: read('s.id IN (SELECT value FROM json_each(?))') };
    mgetSqls.set(layout, sql);
  }
  return ids === 1 ? sql.one : sql.many;
}
