// Entity state and queues in process memory: for unit tests and benchmarks (MESH_STORE=memory).
import type { EntityCommit, EntityInstanceId, EntityStore, ListPage, QueuedOperation, Recovered, StoreStats, StoredEntity } from './store';
import { parseInstanceId } from './store';

export class MemoryEntityStore implements EntityStore {
  readonly kind = 'memory' as const;
  private readonly entities = new Map<EntityInstanceId, StoredEntity>();
  private readonly queue = new Map<string, QueuedOperation>();
  private commits = 0;

  async open(): Promise<Recovered> {
    return { pending: [...this.queue.values()].sort((a, b) => (a.seq < b.seq ? -1 : 1)) };
  }

  async enqueue(ops: QueuedOperation[]): Promise<void> {
    for (const op of ops) this.queue.set(op.seq, op);
  }

  async read(id: EntityInstanceId): Promise<StoredEntity | undefined> {
    return this.entities.get(id);
  }

  async commit({ entity, consumed, emitted }: EntityCommit): Promise<{ delivered: Promise<void> }> {
    this.commits++;
    this.entities.set(entity.id, { ...entity });
    for (const op of consumed) this.queue.delete(op.seq);
    for (const op of emitted) this.queue.set(op.seq, op);
    return { delivered: Promise.resolve() };
  }

  async list(name: string, { top, continuation }: { top: number; continuation?: string }): Promise<ListPage> {
    const wanted = name.toLowerCase();
    const all = [...this.entities.values()]
      .filter((e) => e.exists && parseInstanceId(e.id).name === wanted)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const start = continuation ? all.findIndex((e) => e.id > continuation) : 0;
    const page = start < 0 ? [] : all.slice(start, start + top);
    const last = page[page.length - 1];
    const more = start >= 0 && start + top < all.length;
    return { entities: page, ...(more && last ? { continuation: last.id } : {}) };
  }

  stats(): StoreStats {
    return { kind: this.kind, writesInFlight: 0, transactions: this.commits, rowsWritten: this.commits };
  }

  async close(): Promise<void> {}
}
