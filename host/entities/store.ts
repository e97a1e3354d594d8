// Where the local host keeps entity state and pending operations. Three implementations: an
// embedded SQLite file (the default; durable across a kill -9 of the host, which holds it), Azure
// Tables (Azurite locally, for fidelity with Azure's storage) and memory (tests, benchmarks).

/** `@name@key`, the durable task framework's entity instance id; names are lower-case. */
export type EntityInstanceId = string;

export function instanceId(name: string, key: string): EntityInstanceId {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseInstanceId(id: EntityInstanceId): { name: string; key: string } {
  const second = id.indexOf('@', 1);
  return { name: id.slice(1, second), key: id.slice(second + 1) };
}

/** One pending operation for one entity. `seq` orders operations host-wide and names them. */
export interface QueuedOperation {
  seq: string;
  target: EntityInstanceId;
  op: string;
  /** JSON text of the input, or '' for none (as the entity protocol carries it). */
  input: string;
  /** Who sent it: 'client' or the sending entity's instance id. */
  from: string;
  enqueuedAt: number;
}

export interface StoredEntity {
  id: EntityInstanceId;
  exists: boolean;
  /** JSON text of the state, as the entity protocol carries it. */
  state: string | undefined;
  lastOperationTime: number;
}

export interface EntityCommit {
  entity: StoredEntity;
  /** Operations this batch consumed (removed from the queue together with the new state). */
  consumed: QueuedOperation[];
  /** Operations this batch signalled (kept durably together with the new state). */
  emitted: QueuedOperation[];
}

export interface Recovered {
  pending: QueuedOperation[];
}

export interface ListPage {
  entities: StoredEntity[];
  continuation?: string;
}

export interface StoreStats {
  kind: string;
  writesInFlight: number;
  transactions: number;
  rowsWritten: number;
}

export interface EntityStore {
  readonly kind: 'sqlite' | 'azurite' | 'memory';
  /** Opens the store and returns every operation not yet consumed (after a crash too). */
  open(): Promise<Recovered>;
  /** Durably appends operations (client signals); resolves once they survive a crash. */
  enqueue(ops: QueuedOperation[]): Promise<void>;
  read(id: EntityInstanceId): Promise<StoredEntity | undefined>;
  /**
   * Durably stores an entity's new state, drops the consumed operations and keeps the emitted
   * ones, all or nothing; resolves then, and the emitted operations may run from then on.
   */
  commit(commit: EntityCommit): Promise<void>;
  list(name: string, options: { top: number; continuation?: string }): Promise<ListPage>;
  stats(): StoreStats;
  close(): Promise<void>;
}

/**
 * Monotonic, sortable, host-wide operation sequence: survives restarts because it starts from the
 * clock, and after every sequence a previous run left pending (a clock set back must not give a
 * new operation the key of a stored one).
 */
export class SequenceClock {
  private last = 0;
  /** Numbers from now on come after `seq`. */
  observe(seq: string): void {
    const n = Number(seq);
    if (Number.isSafeInteger(n) && n > this.last) this.last = n;
  }

  next(): string {
    const candidate = Date.now() * 1000;
    this.last = candidate > this.last ? candidate : this.last + 1;
    return this.last.toString().padStart(17, '0');
  }
}
