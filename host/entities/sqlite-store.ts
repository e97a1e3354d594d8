// Entity state and queues in an embedded SQLite file, MESH_DATA_DIR/entities.sqlite: the local
// host's default store (MESH_STORE=sqlite). It lives in the host's process, so a kill -9 of the
// host is a kill of the store too.
//
// Durability: WAL with synchronous=NORMAL. Once COMMIT returns, the transaction is in the WAL
// file (written, not yet flushed to the disk), so a crash of the process (kill -9, out of memory)
// loses nothing that was acknowledged. A power loss or an OS crash may lose the last transactions
// (the file stays consistent: it opens at the last one the disk kept). synchronous=FULL would
// keep those too, at one fsync per transaction on the host's thread (see the README's figures).
//
// Two tables: `entities`, a row per existing entity (its state; a deleted entity has no row), and
// `operations`, every operation not consumed yet, by its sequence number. A batch's commit
// upserts (or deletes) its entity row, deletes the operations it consumed and inserts the ones it
// emitted, in one transaction. Every read and write goes through the primary key or the unique
// index on the entity id, so nothing slows as the tables grow.
//
// Group commit: better-sqlite3 is synchronous, and the runtime runs many batches at once. Writes
// submitted during one turn of the event loop are written at the next (setImmediate) in one
// transaction, bounded (MAX_WRITES, MAX_CHARS) so that no transaction holds the thread long;
// each write's promise resolves once its transaction committed. A failed transaction is tried
// again write by write, so one bad write fails alone.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { EntityCommit, EntityInstanceId, EntityStore, ListPage, QueuedOperation, Recovered, StoreStats, StoredEntity } from './store';

export const ENTITY_STORE_FILE = 'entities.sqlite';
/** Writes (batch commits or client appends) per transaction at most. */
const MAX_WRITES = 512;
/** Characters of state and input per transaction at most (a single larger write goes alone). */
const MAX_CHARS = 8_000_000;
const SCHEMA_VERSION = 1;

type WriteBody = { kind: 'enqueue'; ops: QueuedOperation[] } | { kind: 'commit'; commit: EntityCommit };
type Write = WriteBody & {
  chars: number;
  resolve: () => void;
  reject: (err: unknown) => void;
};

interface EntityRow {
  state: string | null;
  t: number;
}

interface OperationRow {
  seq: number;
  target: string;
  op: string;
  input: string;
  sender: string;
  enqueued_at: number;
}

/** A lone surrogate half would become U+FFFD in the file, and two ids one: refused. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Sequence numbers are decimal (SequenceClock); stored as the integer key. */
function seqNumber(seq: string): number {
  const n = Number(seq);
  if (!/^\d{1,17}$/.test(seq) || !Number.isSafeInteger(n)) throw new Error(`operation sequence "${seq}" is not a decimal number of at most 16 digits`);
  return n;
}

const seqText = (n: number) => String(n).padStart(17, '0');

function checkId(id: string): string {
  if (LONE_SURROGATE.test(id)) throw new Error(`entity id ${JSON.stringify(id)} holds a lone surrogate half, which the store cannot keep apart from others`);
  return id;
}

const opChars = (ops: QueuedOperation[]) => ops.reduce((n, op) => n + op.input.length + 64, 0);

/** The store in `dataDir` (MESH_DATA_DIR), created on first use. */
export function openSqliteEntityStore(dataDir: string): SqliteEntityStore {
  fs.mkdirSync(dataDir, { recursive: true });
  return new SqliteEntityStore(path.join(dataDir, ENTITY_STORE_FILE));
}

export class SqliteEntityStore implements EntityStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements: ReturnType<SqliteEntityStore['prepare']>;
  private readonly queue: Write[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private transactions = 0;
  private rowsWritten = 0;
  private closed = false;

  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // A host holds its data directory alone (host.lock); a wait here means another process reads.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -65536');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${file} was written by a newer meshgraph (entity store schema ${version}; this one reads ${SCHEMA_VERSION})`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS entities (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        state TEXT,
        t INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS operations (
        seq INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        op TEXT NOT NULL,
        input TEXT NOT NULL,
        sender TEXT NOT NULL,
        enqueued_at INTEGER NOT NULL
      );
      PRAGMA user_version = ${SCHEMA_VERSION};`);
    this.statements = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      read: db.prepare<[string], EntityRow>('SELECT state, t FROM entities WHERE id = ?'),
      upsert: db.prepare<[string, string | null, number]>('INSERT INTO entities (id, state, t) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, t = excluded.t'),
      remove: db.prepare<[string]>('DELETE FROM entities WHERE id = ?'),
      insertOp: db.prepare<[number, string, string, string, string, number]>('INSERT INTO operations (seq, target, op, input, sender, enqueued_at) VALUES (?, ?, ?, ?, ?, ?)'),
      deleteOp: db.prepare<[number]>('DELETE FROM operations WHERE seq = ?'),
      pending: db.prepare<[], OperationRow>('SELECT seq, target, op, input, sender, enqueued_at FROM operations ORDER BY seq'),
      page: db.prepare<[string, string, number], EntityRow & { id: string }>('SELECT id, state, t FROM entities WHERE id > ? AND id < ? ORDER BY id LIMIT ?'),
    };
  }

  async open(): Promise<Recovered> {
    const pending = this.statements.pending.all().map((row): QueuedOperation => ({ seq: seqText(row.seq), target: row.target, op: row.op, input: row.input, from: row.sender, enqueuedAt: row.enqueued_at }));
    return { pending };
  }

  enqueue(ops: QueuedOperation[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return this.submit({ kind: 'enqueue', ops }, opChars(ops));
  }

  async read(id: EntityInstanceId): Promise<StoredEntity | undefined> {
    const row = this.statements.read.get(id);
    return row ? { id, exists: true, state: row.state ?? undefined, lastOperationTime: row.t } : undefined;
  }

  commit(commit: EntityCommit): Promise<void> {
    return this.submit({ kind: 'commit', commit }, (commit.entity.state?.length ?? 0) + opChars(commit.emitted));
  }

  /** Pages in id order; the continuation is the last id of the page (base64url: it travels in a header). */
  async list(name: string, { top, continuation }: { top: number; continuation?: string }): Promise<ListPage> {
    const prefix = `@${name.toLowerCase()}@`;
    // Every id of the name sorts at or after the prefix and before the prefix's next string
    // ('@' + 1 is 'A'), bytewise as SQLite compares text.
    const end = `@${name.toLowerCase()}A`;
    const after = continuation ? Buffer.from(continuation, 'base64url').toString('utf8') : prefix;
    const rows = this.statements.page.all(after < prefix ? prefix : after, end, top + 1);
    const entities = rows.slice(0, top).map((row): StoredEntity => ({ id: row.id, exists: true, state: row.state ?? undefined, lastOperationTime: row.t }));
    const last = entities[entities.length - 1];
    return { entities, ...(rows.length > top && last ? { continuation: Buffer.from(last.id, 'utf8').toString('base64url') } : {}) };
  }

  stats(): StoreStats {
    return { kind: this.kind, writesInFlight: this.queue.length, transactions: this.transactions, rowsWritten: this.rowsWritten };
  }

  /** Writes what is queued, then closes the file (the WAL is checkpointed into it). */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    while (this.queue.length > 0) this.flush();
    this.closed = true;
    this.db.close();
  }

  private submit(write: WriteBody, chars: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the entity store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ ...write, chars, resolve, reject });
      this.schedule();
    });
  }

  /** At the next turn of the event loop: one group; then the next group at the turn after. */
  private schedule(): void {
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.flush();
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** Writes one bounded group of the queue in one transaction, then settles its promises. */
  private flush(): void {
    let chars = 0;
    let count = 0;
    while (count < this.queue.length && count < MAX_WRITES && (count === 0 || chars + this.queue[count]!.chars <= MAX_CHARS)) chars += this.queue[count++]!.chars;
    const group = this.queue.splice(0, count);
    if (group.length === 0) return;
    try {
      this.transaction(group);
      group.forEach((w) => w.resolve());
    } catch (err) {
      if (group.length === 1) return void group[0]!.reject(err);
      for (const write of group) {
        try {
          this.transaction([write]);
          write.resolve();
        } catch (alone) {
          write.reject(alone);
        }
      }
    }
  }

  private transaction(group: Write[]): void {
    let rows = 0;
    this.db.transaction(() => {
      for (const write of group) rows += write.kind === 'enqueue' ? this.insert(write.ops) : this.apply(write.commit);
    })();
    this.transactions++;
    this.rowsWritten += rows;
  }

  private apply({ entity, consumed, emitted }: EntityCommit): number {
    const s = this.statements;
    if (entity.exists) s.upsert.run(checkId(entity.id), entity.state ?? null, entity.lastOperationTime);
    else s.remove.run(entity.id);
    for (const op of consumed) s.deleteOp.run(seqNumber(op.seq));
    return 1 + consumed.length + this.insert(emitted);
  }

  private insert(ops: QueuedOperation[]): number {
    for (const op of ops) this.statements.insertOp.run(seqNumber(op.seq), checkId(op.target), op.op, op.input, op.from, op.enqueuedAt);
    return ops.length;
  }
}
