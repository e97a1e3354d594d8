// Entity state and queues in process memory: for unit tests and benchmarks (MESH_STORE=memory).
// At a million nodes the states are nearly all of the memory (a node's JSON state is ~1.6 KB), so
// states written lately stay plain in two generations (as in RecentCache: the young one fills,
// becomes the old one, and the old one is packed), and older ones are kept deflated in a one-byte
// string (~4x smaller; no Buffer per entity, whose own overhead would eat much of the gain).
// A node is packed about once per burst of activity, not once per operation.
import zlib from 'node:zlib';
import type { EntityCommit, EntityInstanceId, EntityStore, ListPage, QueuedOperation, Recovered, StoreStats, StoredEntity } from './store';

/** Entities per generation kept plain. */
const PLAIN_GENERATION = 10_000;
const DEFLATE: zlib.ZlibOptions = { level: 1 };

const enum Flag {
  Missing = '0',
  WithState = '1',
  NoState = '2',
}

/** `flag` + lastOperationTime (base 36) + `|` + the deflated state as latin1 text. */
function pack(entity: StoredEntity): string {
  const head = `${!entity.exists ? Flag.Missing : entity.state === undefined ? Flag.NoState : Flag.WithState}${entity.lastOperationTime.toString(36)}|`;
  return entity.exists && entity.state !== undefined ? head + zlib.deflateRawSync(entity.state, DEFLATE).toString('latin1') : head;
}

function unpack(id: EntityInstanceId, packed: string): StoredEntity {
  const bar = packed.indexOf('|');
  const flag = packed[0] as Flag;
  const state = flag === Flag.WithState ? zlib.inflateRawSync(Buffer.from(packed.slice(bar + 1), 'latin1')).toString('utf8') : undefined;
  return { id, exists: flag !== Flag.Missing, state, lastOperationTime: parseInt(packed.slice(1, bar), 36) };
}

export class MemoryEntityStore implements EntityStore {
  readonly kind = 'memory' as const;
  private young = new Map<EntityInstanceId, StoredEntity>();
  private old = new Map<EntityInstanceId, StoredEntity>();
  private readonly packed = new Map<EntityInstanceId, string>();
  private readonly queue = new Map<string, QueuedOperation>();
  private commits = 0;

  constructor(private readonly plainGeneration = PLAIN_GENERATION) {}

  async open(): Promise<Recovered> {
    return { pending: [...this.queue.values()].sort((a, b) => (a.seq < b.seq ? -1 : 1)) };
  }

  async enqueue(ops: QueuedOperation[]): Promise<void> {
    for (const op of ops) this.queue.set(op.seq, op);
  }

  async read(id: EntityInstanceId): Promise<StoredEntity | undefined> {
    return this.get(id);
  }

  async commit({ entity, consumed, emitted }: EntityCommit): Promise<void> {
    this.commits++;
    this.put({ ...entity });
    for (const op of consumed) this.queue.delete(op.seq);
    for (const op of emitted) this.queue.set(op.seq, op);
  }

  async list(name: string, { top, continuation }: { top: number; continuation?: string }): Promise<ListPage> {
    const prefix = `@${name.toLowerCase()}@`;
    const ids: EntityInstanceId[] = [];
    // put() keeps each id in exactly one of the three maps.
    for (const map of [this.young, this.old, this.packed]) for (const id of map.keys()) if (id.startsWith(prefix)) ids.push(id);
    const live = ids.filter((id) => this.exists(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const start = continuation ? live.findIndex((id) => id > continuation) : 0;
    const page = start < 0 ? [] : live.slice(start, start + top).map((id) => this.get(id)!);
    const last = page[page.length - 1];
    const more = start >= 0 && start + top < live.length;
    return { entities: page, ...(more && last ? { continuation: last.id } : {}) };
  }

  stats(): StoreStats {
    return { kind: this.kind, writesInFlight: 0, transactions: this.commits, rowsWritten: this.commits };
  }

  async close(): Promise<void> {}

  private get(id: EntityInstanceId): StoredEntity | undefined {
    const plain = this.young.get(id) ?? this.old.get(id);
    if (plain) return plain;
    const packed = this.packed.get(id);
    return packed === undefined ? undefined : unpack(id, packed);
  }

  private exists(id: EntityInstanceId): boolean {
    const plain = this.young.get(id) ?? this.old.get(id);
    return plain ? plain.exists : this.packed.get(id)?.[0] !== Flag.Missing;
  }

  private put(entity: StoredEntity): void {
    this.young.set(entity.id, entity);
    this.old.delete(entity.id);
    this.packed.delete(entity.id);
    if (this.young.size < this.plainGeneration) return;
    for (const [id, e] of this.old) this.packed.set(id, pack(e));
    this.old = this.young;
    this.young = new Map();
  }
}
