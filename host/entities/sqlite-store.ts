// Entity state and queues in an embedded SQLite file, MESH_DATA_DIR/entities.sqlite: the local
// host's default store (MESH_STORE=sqlite). It lives in the host's process, so a kill -9 of the
// host is a kill of the store too.
//
// Durability: WAL with synchronous=NORMAL. Once COMMIT returns, the transaction is in the WAL
// file (written, not yet flushed to the disk), so a crash of the process (kill -9, out of memory)
// loses nothing that was acknowledged. A power loss or an OS crash may lose the last transactions
// (the file stays consistent: it opens at the last one the disk kept). synchronous=FULL would
// keep those too, at one fsync per transaction on the host's thread (see docs/figures.md).
//
// Two tables: `entities`, a row per existing entity (its state; a deleted entity has no row), and
// `operations`, every operation not consumed yet, by its sequence number. A batch's commit
// upserts (or deletes) its entity row, deletes the operations it consumed and inserts the ones it
// emitted, in one transaction. Every read and write goes through the primary key or the unique
// index on the entity id, so nothing slows as the tables grow.
//
// Group commit: the runtime runs many batches at once. Writes submitted during one turn of the
// event loop go to the writer (a worker thread, sqlite-writer.ts) at the next, as one transaction
// of at most MAX_WRITES writes and MAX_CHARS characters; while it commits, the next writes gather.
// Each write's promise resolves once its transaction committed. A write the file cannot take (a
// sequence that is not a number, an id with a lone surrogate) is refused at once; one that fails
// in the writer fails alone. Reads (and listing, and the recovery at open) use a connection of
// their own on the host's thread: in WAL mode they see every transaction acknowledged before.
import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { EntityCommit, EntityInstanceId, EntityStore, ListPage, QueuedOperation, Recovered, StoreStats, StoredEntity } from './store';
import { startWriter, type WireOperation, type WireWrite, type WriterAnswer, type WriterRequest } from './sqlite-writer';

export const ENTITY_STORE_FILE = 'entities.sqlite';
/** Writes (batch commits or client appends) per transaction at most. */
const MAX_WRITES = 1024;
/** Characters of state and input per transaction at most (a single larger write goes alone). */
const MAX_CHARS = 16_000_000;
const SCHEMA_VERSION = 1;

interface Write {
  wire: WireWrite;
  chars: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

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
  if (!/^\d{1,17}$/.test(seq) || !Number.isSafeInteger(n)) throw new Error(`operation sequence "${seq}" is not a decimal number below 2^53`);
  return n;
}

const seqText = (n: number) => String(n).padStart(17, '0');

function checkId(id: string): string {
  if (LONE_SURROGATE.test(id)) throw new Error(`entity id ${JSON.stringify(id)} holds a lone surrogate half, which the store cannot keep apart from others`);
  return id;
}

const wireOperation = (op: QueuedOperation): WireOperation => [seqNumber(op.seq), checkId(op.target), op.op, op.input, op.from, op.enqueuedAt];
const opChars = (ops: QueuedOperation[]) => ops.reduce((n, op) => n + op.input.length + 64, 0);

/** The store in `dataDir` (MESH_DATA_DIR), created on first use. */
export function openSqliteEntityStore(dataDir: string): SqliteEntityStore {
  fs.mkdirSync(dataDir, { recursive: true });
  return new SqliteEntityStore(path.join(dataDir, ENTITY_STORE_FILE));
}

export class SqliteEntityStore implements EntityStore {
  readonly kind = 'sqlite' as const;
  /** The host thread's connection: reads only. */
  private readonly db: Database.Database;
  private readonly statements: ReturnType<SqliteEntityStore['prepare']>;
  private readonly writer: Worker;
  private readonly queue: Write[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private inFlight: { id: number; writes: Write[] } | undefined;
  private groups = 0;
  /** Why the writer cannot go on: every write is refused with it. */
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private idleWaiters: Array<() => void> = [];
  private transactions = 0;
  private rowsWritten = 0;

  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // A host holds its data directory alone (host.lock); a wait here is for the writer.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -65536');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`${file} was written by a newer meshgraph (entity store schema ${version}; this one reads ${SCHEMA_VERSION})`);
    }
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
    this.db.pragma('query_only = 1');
    this.statements = this.prepare();
    this.writer = startWriter(file);
    this.writer.unref(); // an idle store keeps no process alive; a group in flight does (see send)
    this.writer.on('message', (answer: WriterAnswer) => this.answered(answer));
    this.writer.on('error', (err) => this.fail(new Error(`the entity store's writer failed: ${err.message}`)));
    this.writer.on('exit', (code) => this.fail(new Error(`the entity store's writer stopped (exit ${code})`)));
  }

  private prepare() {
    const db = this.db;
    return {
      read: db.prepare<[string], EntityRow>('SELECT state, t FROM entities WHERE id = ?'),
      pending: db.prepare<[], OperationRow>('SELECT seq, target, op, input, sender, enqueued_at FROM operations ORDER BY seq'),
      page: db.prepare<[string, string, number], EntityRow & { id: string }>('SELECT id, state, t FROM entities WHERE id > ? AND id < ? ORDER BY id LIMIT ?'),
    };
  }

  async open(): Promise<Recovered> {
    const pending = this.statements.pending.all().map((row): QueuedOperation => ({
      seq: seqText(row.seq),
      target: row.target,
      op: row.op,
      input: row.input,
      from: row.sender,
      enqueuedAt: row.enqueued_at,
    }));
    return { pending };
  }

  enqueue(ops: QueuedOperation[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    return this.submit(() => ({ deletes: [], inserts: ops.map(wireOperation) }), opChars(ops));
  }

  async read(id: EntityInstanceId): Promise<StoredEntity | undefined> {
    const row = this.statements.read.get(id);
    return row ? { id, exists: true, state: row.state ?? undefined, lastOperationTime: row.t } : undefined;
  }

  commit({ entity, consumed, emitted }: EntityCommit): Promise<void> {
    return this.submit(
      () => ({
        entity: [checkId(entity.id), entity.exists ? 1 : 0, entity.exists ? (entity.state ?? null) : null, entity.lastOperationTime],
        deletes: consumed.map((op) => seqNumber(op.seq)),
        inserts: emitted.map(wireOperation),
      }),
      (entity.state?.length ?? 0) + opChars(emitted),
    );
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
    return {
      kind: this.kind,
      writesInFlight: this.queue.length + (this.inFlight?.writes.length ?? 0),
      transactions: this.transactions,
      rowsWritten: this.rowsWritten,
    };
  }

  /** Commits what is queued, stops the writer, then closes the file (the WAL is checkpointed into it). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (!this.failure && (this.queue.length > 0 || this.inFlight)) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      if (!this.failure) {
        const closed = new Promise<void>((resolve) => this.writer.once('exit', () => resolve()));
        this.writer.ref();
        this.post({ kind: 'close' });
        await closed;
      }
      this.db.close();
    })();
    return this.closing;
  }

  /** Queues a write (made now: a write the file cannot take is refused at once) for the next group. */
  private submit(make: () => WireWrite, chars: number): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the entity store is closed'));
    if (this.failure) return Promise.reject(this.failure);
    let wire: WireWrite;
    try {
      wire = make();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ wire, chars, resolve, reject });
      this.scheduled ??= setImmediate(() => {
        this.scheduled = undefined;
        this.send();
      });
    });
  }

  /** Sends the next group, unless one is in flight (its answer sends the next). */
  private send(): void {
    if (this.inFlight || this.failure || this.queue.length === 0) return;
    let chars = 0;
    let count = 0;
    while (count < this.queue.length && count < MAX_WRITES && (count === 0 || chars + this.queue[count]!.chars <= MAX_CHARS))
      chars += this.queue[count++]!.chars;
    const writes = this.queue.splice(0, count);
    this.inFlight = { id: ++this.groups, writes };
    this.writer.ref();
    this.post({ kind: 'group', id: this.inFlight.id, writes: writes.map((w) => w.wire) });
  }

  private post(request: WriterRequest): void {
    this.writer.postMessage(request);
  }

  private answered(answer: WriterAnswer): void {
    if (answer.kind !== 'group' || answer.id !== this.inFlight?.id) return;
    const { writes } = this.inFlight;
    this.inFlight = undefined;
    this.transactions += answer.transactions;
    this.rowsWritten += answer.rows;
    const failed = new Map(answer.failed);
    writes.forEach((w, i) => (failed.has(i) ? w.reject(new Error(failed.get(i))) : w.resolve()));
    if (this.queue.length > 0) this.send();
    else {
      this.writer.unref();
      this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }

  /** The writer is gone: what it was writing and what waits is refused, as is every later write. */
  private fail(err: Error): void {
    if (this.failure || (this.closing && !this.inFlight && this.queue.length === 0)) return;
    this.failure = err;
    const waiting = [...(this.inFlight?.writes ?? []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    waiting.forEach((w) => w.reject(err));
    this.idleWaiters.splice(0).forEach((wake) => wake());
  }
}
