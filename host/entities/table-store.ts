// Entity state and queues in Azure Table storage (Azurite locally), durable across a kill -9.
//
// One table, a few partitions ("shards"). Rows in a shard:
//   e:<id>   an entity of this shard: its state, plus which operations of still-live log rows
//            it consumed (log rows of any shard)
//   q:<seq>  a log row: operations packed together, either client signals for entities of this
//            shard, or the signals one batch of an entity of this shard emitted
//   o:<seq>  (tables written before: a batch's signals waiting to be appended; re-appended at open)
// A batch commits as ONE transaction in its shard: the entity row (new state + consumed
// operations) and the log rows of the signals it emitted, so state and signals are never kept
// one without the other, and the signals can run as soon as it commits.
// A log row is deleted once every operation in it is consumed; until then, each consumer's row
// remembers what it took, so a restart skips exactly those. Per operation this costs about one
// row write (the entity row, shared by every operation of a batch) instead of an insert and a
// delete per operation: Azurite does ~1.4k single writes/s but ~5k rows/s in transactions, and
// concurrent batches are group-committed per shard.
//
// JSON too long for a row (a state or a log row over ~480,000 characters) goes to a
// gzipped blob in container <table>-large, uploaded before the transaction that names it; the
// blob is deleted once its row is replaced or deleted. A crash between the upload and the commit
// leaves an unnamed blob, swept at the next open. Azure's own durable store does the same for
// large states and messages.
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { ContainerClient } from '@azure/storage-blob';
import type { EntityCommit, EntityInstanceId, EntityStore, ListPage, QueuedOperation, Recovered, StoreStats, StoredEntity } from './store';
import { GroupCommitter } from './group-commit';
import { blobRef, getChunks, putBlobRef, putChunks, shardOf, SHARDS, StateTooLargeError, type Row } from '../../adapters/tables/chunks';

export { StateTooLargeError };

/** The table the local host keeps entity state and queues in. */
export const ENTITY_TABLE = 'meshgraphentities';

const entityKey = (id: EntityInstanceId) => `e:${encodeURIComponent(id)}`;
const idOfEntityKey = (rowKey: string) => decodeURIComponent(rowKey.slice(2)) as EntityInstanceId;
/** Operations packed per log row; keeps a row far below the 1 MiB entity limit for small inputs. */
const OPS_PER_ROW = 500;
/**
 * Operations as log rows of at most OPS_PER_ROW each, and at most 90 rows (a transaction holds
 * 100 actions, and the entity row shares it): a larger emission packs more into each row (a row
 * too long goes to a blob anyway).
 */
function packLogRows(ops: QueuedOperation[]): QueuedOperation[][] {
  const per = Math.max(OPS_PER_ROW, Math.ceil(ops.length / 90));
  const rows: QueuedOperation[][] = [];
  for (let i = 0; i < ops.length; i += per) rows.push(ops.slice(i, i + per));
  return rows;
}

/** The blobs a row names: its state or log (`c…`) and its consumed list (`k…`). */
const blobsNamedBy = (row: Record<string, unknown>): string[] => ['c', 'k'].flatMap((prefix) => blobRef(row, prefix) ?? []);

/** Where JSON too long for a row goes: a container per table (the sweep at open owns it). */
export const largeContainerOf = (tableName: string) => `${tableName.toLowerCase()}-large`;
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** A log row being written: its operations, and the blobs it uploaded (JSON too long for the row). */
interface NewLogRow {
  shard: string;
  rowKey: string;
  ops: QueuedOperation[];
  blobs: string[];
}

/** What an entity took from log rows that are still alive: row key -> operation seqs. */
type Consumed = Record<string, string[]>;

interface LogRow {
  shard: string;
  remaining: number;
}

interface Append {
  ops: QueuedOperation[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class TableEntityStore implements EntityStore {
  readonly kind = 'azurite' as const;
  private readonly client: TableClient;
  private readonly committer: GroupCommitter;
  private readonly rows = new Map<string, LogRow>();
  /** seq -> log row key, for operations appended and not yet consumed. */
  private readonly rowOf = new Map<string, string>();
  private readonly consumed = new Map<EntityInstanceId, Consumed>();
  private readonly appendBuffers = new Map<string, Append[]>();
  private readonly flushing = new Set<string>();
  /**
   * Ids that have an entity row: those found by a scan started at open, plus every one this store
   * commits (added before the commit is sent, so a row never exists without its id here). Once
   * the scan is complete, reading an id not in it skips the point read, which would answer 404:
   * ingestion creates most nodes, and those reads were a fifth of its time on Azurite. One host
   * owns the table (as it owns its queues), so no other writer creates rows behind its back.
   */
  private readonly rowIds = new Set<EntityInstanceId>();
  private rowIdsComplete = false;
  private rowIdsScan: Promise<void> = Promise.resolve();
  private readonly large: ContainerClient;
  /** Blobs a row names (its JSON was too long to keep inline): deleted when the row is replaced or deleted. */
  private readonly blobsOf = new Map<string, string[]>();
  /** Blobs uploaded, by this store, whose rows have not been committed yet (kept by the sweep). */
  private readonly uploading = new Set<string>();

  constructor(connectionString: string, tableName = ENTITY_TABLE) {
    this.client = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
    this.large = new ContainerClient(connectionString, largeContainerOf(tableName));
    this.committer = new GroupCommitter((actions) => this.client.submitTransaction(actions).then(() => undefined));
  }

  async open(): Promise<Recovered> {
    const openedAt = new Date();
    await this.client.createTable();
    await this.large.createIfNotExists();
    const logged: QueuedOperation[] = [];
    for (let s = 0; s < SHARDS; s++) {
      const shard = `s${s}`;
      for await (const row of this.range(shard, 'q:', 'q;')) {
        this.learn(row);
        const ops = JSON.parse((await this.text(row)) ?? '[]') as QueuedOperation[];
        this.rows.set(String(row.rowKey), { shard, remaining: ops.length });
        for (const op of ops) {
          this.rowOf.set(op.seq, String(row.rowKey));
          logged.push(op);
        }
      }
    }
    // Skip what each target already consumed (its entity row says so).
    const targets = [...new Set(logged.map((op) => op.target))];
    for (const id of targets) await this.loadConsumed(id);
    const taken = new Set<string>();
    for (const [id, consumed] of this.consumed) for (const seqs of Object.values(consumed)) for (const seq of seqs) taken.add(`${id} ${seq}`);
    const pending = logged.filter((op) => !taken.has(`${op.target} ${op.seq}`));
    for (const op of logged) if (taken.has(`${op.target} ${op.seq}`)) this.release(op.seq);
    // In the background: reads go to the table until it completes.
    this.rowIdsScan = this.scanRowIds(openedAt);
    return { pending: pending.sort((a, b) => (a.seq < b.seq ? -1 : 1)) };
  }

  /** Whether reads of ids without a row are answered here (the scan begun at open is complete). */
  async rowIndexReady(): Promise<boolean> {
    await this.rowIdsScan;
    return this.rowIdsComplete;
  }

  private async scanRowIds(openedAt: Date): Promise<void> {
    const named = new Set<string>();
    try {
      for (let s = 0; s < SHARDS; s++) {
        for await (const row of this.range(`s${s}`, 'e:', 'e;', ['RowKey', 'cn', 'cb', 'kn', 'kb'])) {
          this.rowIds.add(idOfEntityKey(String(row.rowKey)));
          blobsNamedBy(row).forEach((name) => named.add(name));
        }
      }
      this.rowIdsComplete = true;
    } catch {
      return; // Not complete: every read keeps going to the table, and no blob is swept.
    }
    await this.sweepLarge(openedAt, named).catch(() => {});
  }

  /**
   * Deletes blobs no row names: uploads a crash cut off before their commit. Only blobs older
   * than this open (later ones may be uploads of this run waiting for their commit).
   */
  private async sweepLarge(openedAt: Date, namedByEntities: Set<string>): Promise<void> {
    const named = new Set([...namedByEntities, ...[...this.blobsOf.values()].flat(), ...this.uploading]);
    for await (const blob of this.large.listBlobsFlat()) {
      if (named.has(blob.name) || (blob.properties.lastModified ?? openedAt) >= openedAt) continue;
      await this.large.deleteBlob(blob.name).catch(() => {});
    }
  }

  /** `json` in properties `<prefix>…` of `row`, or, when too long for a row, in a blob the row names (pushed to `uploaded`). */
  private async put(row: Row, json: string | undefined, what: string, uploaded: string[], prefix = 'c'): Promise<Row> {
    try {
      return putChunks(row, json, what, prefix);
    } catch (err) {
      if (!(err instanceof StateTooLargeError) || json === undefined) throw err;
      const name = `${String(row.rowKey).slice(0, 1)}/${randomUUID()}.json.gz`;
      this.uploading.add(name);
      uploaded.push(name);
      await this.large
        .getBlockBlobClient(name)
        .uploadData(await gzip(json), { blobHTTPHeaders: { blobContentType: 'application/json', blobContentEncoding: 'gzip' } });
      return putBlobRef(row, name, prefix);
    }
  }

  /** The JSON a row keeps in properties `<prefix>…`, inline or in its blob. */
  private async text(row: Record<string, unknown>, prefix = 'c'): Promise<string | undefined> {
    const name = blobRef(row, prefix);
    if (name === undefined) return getChunks(row, prefix);
    return (await gunzip(await this.large.getBlockBlobClient(name).downloadToBuffer())).toString('utf8');
  }

  /** Remembers the blobs a row read from the table names. */
  private learn(row: Record<string, unknown>): void {
    const names = blobsNamedBy(row);
    if (names.length > 0) this.blobsOf.set(String(row.rowKey), names);
  }

  /** `rowKey` now durably names `now` (none once deleted): the blobs it named before are garbage. */
  private replaced(rowKey: string, now: string[]): void {
    const before = this.blobsOf.get(rowKey) ?? [];
    now.forEach((name) => this.uploading.delete(name));
    if (now.length > 0) this.blobsOf.set(rowKey, now);
    else this.blobsOf.delete(rowKey);
    for (const name of before) if (!now.includes(name)) this.large.deleteBlob(name).catch(() => {}); // else swept at the next open
  }

  /** Blobs uploaded for a commit that failed: nothing names them. */
  private discard(names: string[]): void {
    for (const name of names) {
      this.uploading.delete(name);
      this.large.deleteBlob(name).catch(() => {});
    }
  }

  enqueue(ops: QueuedOperation[]): Promise<void> {
    return this.append(ops);
  }

  async read(id: EntityInstanceId): Promise<StoredEntity | undefined> {
    if (this.rowIdsComplete && !this.rowIds.has(id)) return undefined;
    const row = await this.entityRow(id);
    if (!row) return undefined;
    this.learn(row);
    return { id, exists: Boolean(row.exists), state: await this.text(row), lastOperationTime: Number(row.t) };
  }

  async commit({ entity, consumed, emitted }: EntityCommit): Promise<void> {
    const shard = shardOf(entity.id);
    this.rowIds.add(entity.id);
    const taken = this.withConsumed(entity.id, consumed);
    const rowKey = entityKey(entity.id);
    const blobs: string[] = [];
    // The signals the batch emitted are log rows of this entity's shard, in the same transaction
    // as its state: durable with it, and runnable once it commits (their targets' consumed lists
    // name these rows, wherever they live).
    const written: NewLogRow[] = [];
    try {
      const withTaken = await this.put(
        { partitionKey: shard, rowKey, exists: entity.exists, t: entity.lastOperationTime },
        JSON.stringify(taken),
        `consumed list of ${entity.id}`,
        blobs,
        'k',
      );
      const actions: TransactionAction[] = [['upsert', await this.put(withTaken, entity.state, `state of ${entity.id}`, blobs), 'Replace']];
      actions.push(...(await this.logRows(shard, emitted, written)));
      await this.committer.submit(shard, actions);
    } catch (err) {
      this.discard([...blobs, ...written.flatMap((r) => r.blobs)]);
      throw err;
    }
    this.replaced(rowKey, blobs);
    written.forEach((r) => this.logged(r));
    if (Object.keys(taken).length > 0) this.consumed.set(entity.id, taken);
    else this.consumed.delete(entity.id);
    consumed.forEach((op) => this.release(op.seq));
  }

  async list(name: string, { top, continuation }: { top: number; continuation?: string }): Promise<ListPage> {
    const prefix = entityKey(`@${name.toLowerCase()}@`);
    let [shard, token] = continuation ? [Number(continuation.split('|')[0]), continuation.split('|')[1] || undefined] : [0, undefined];
    const entities: StoredEntity[] = [];
    while (shard < SHARDS && entities.length < top) {
      const filter = `PartitionKey eq 's${shard}' and RowKey ge '${prefix}' and RowKey lt '${prefix}\uffff' and exists eq true`;
      const pages = this.client
        .listEntities({ queryOptions: { filter } })
        .byPage({ maxPageSize: top - entities.length, ...(token ? { continuationToken: token } : {}) });
      const { value: page } = await pages.next();
      for (const row of page ?? [])
        entities.push({ id: idOfEntityKey(String(row.rowKey)), exists: true, state: await this.text(row), lastOperationTime: Number(row.t) });
      token = page?.continuationToken;
      if (!token) shard++;
    }
    return { entities, ...(shard < SHARDS ? { continuation: `${shard}|${token ?? ''}` } : {}) };
  }

  stats(): StoreStats {
    return { kind: this.kind, ...this.committer.stats() };
  }

  async close(): Promise<void> {
    while (this.flushing.size > 0) await new Promise((r) => setTimeout(r, 5));
    await this.committer.drain();
  }

  /** The entity's consumed map after this batch: entries of dead log rows dropped, the batch added. */
  private withConsumed(id: EntityInstanceId, ops: QueuedOperation[]): Consumed {
    const next: Consumed = {};
    for (const [rowKey, seqs] of Object.entries(this.consumed.get(id) ?? {})) if (this.rows.has(rowKey)) next[rowKey] = seqs;
    for (const op of ops) {
      const rowKey = this.rowOf.get(op.seq);
      if (rowKey) (next[rowKey] ??= []).push(op.seq);
    }
    return next;
  }

  /**
   * The upserts of `ops` as log rows of `shard` (see packLogRows); each row is pushed to
   * `written` as it is made, with the blobs it uploaded, so a failed commit can discard them.
   */
  private async logRows(shard: string, ops: QueuedOperation[], written: NewLogRow[]): Promise<TransactionAction[]> {
    const actions: TransactionAction[] = [];
    for (const rowOps of packLogRows(ops)) {
      const row: NewLogRow = { shard, rowKey: `q:${rowOps[0]!.seq}`, ops: rowOps, blobs: [] };
      written.push(row);
      actions.push([
        'upsert',
        await this.put({ partitionKey: shard, rowKey: row.rowKey }, JSON.stringify(rowOps), `log row ${row.rowKey}`, row.blobs),
        'Replace',
      ]);
    }
    return actions;
  }

  /** A log row is durable: its operations wait to be consumed. */
  private logged({ shard, rowKey, ops, blobs }: NewLogRow): void {
    this.rows.set(rowKey, { shard, remaining: ops.length });
    ops.forEach((op) => this.rowOf.set(op.seq, rowKey));
    if (blobs.length > 0) this.replaced(rowKey, blobs);
  }

  /** One operation of a log row is consumed durably; the last one deletes the row. */
  private release(seq: string): void {
    const rowKey = this.rowOf.get(seq);
    if (!rowKey) return;
    this.rowOf.delete(seq);
    const row = this.rows.get(rowKey)!;
    if (--row.remaining > 0) return;
    this.committer.submit(row.shard, [['delete', { partitionKey: row.shard, rowKey }]]).then(
      () => {
        this.rows.delete(rowKey);
        this.replaced(rowKey, []);
      },
      () => {}, // left for the next start: open() sees every operation in it consumed
    );
  }

  /** Durably appends operations to their shards' logs, packing concurrent appends into rows. */
  private append(ops: QueuedOperation[]): Promise<void> {
    const byShard = new Map<string, QueuedOperation[]>();
    for (const op of ops) {
      const shard = shardOf(op.target);
      byShard.set(shard, [...(byShard.get(shard) ?? []), op]);
    }
    return Promise.all(
      [...byShard].map(
        ([shard, shardOps]) =>
          new Promise<void>((resolve, reject) => {
            const buffer = this.appendBuffers.get(shard) ?? [];
            buffer.push({ ops: shardOps, resolve, reject });
            this.appendBuffers.set(shard, buffer);
            void this.flush(shard);
          }),
      ),
    ).then(() => undefined);
  }

  private async flush(shard: string): Promise<void> {
    if (this.flushing.has(shard)) return;
    this.flushing.add(shard);
    try {
      for (let batch = this.appendBuffers.get(shard); batch && batch.length > 0; batch = this.appendBuffers.get(shard)) {
        this.appendBuffers.set(shard, []);
        const written: NewLogRow[] = [];
        try {
          await this.committer.submit(
            shard,
            await this.logRows(
              shard,
              batch.flatMap((a) => a.ops),
              written,
            ),
          );
          written.forEach((r) => this.logged(r));
          batch.forEach((a) => a.resolve());
        } catch (err) {
          this.discard(written.flatMap((r) => r.blobs));
          batch.forEach((a) => a.reject(err));
        }
      }
    } finally {
      this.flushing.delete(shard);
    }
  }

  private async loadConsumed(id: EntityInstanceId): Promise<void> {
    const row = await this.entityRow(id);
    if (row) this.learn(row);
    const taken = row ? (JSON.parse((await this.text(row, 'k')) ?? '{}') as Consumed) : {};
    if (Object.keys(taken).length > 0) this.consumed.set(id, taken);
  }

  private async entityRow(id: EntityInstanceId): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.client.getEntity(shardOf(id), entityKey(id));
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Rows of a partition with `from` <= RowKey < `to` (only the `select`ed properties when given). */
  private async *range(partition: string, from: string, to: string, select?: string[]): AsyncIterable<Record<string, unknown>> {
    const filter = `PartitionKey eq '${partition}' and RowKey ge '${from}' and RowKey lt '${to}'`;
    yield* this.client.listEntities({ queryOptions: { filter, ...(select ? { select } : {}) } });
  }
}
