// Group commit for Azure Table transactions: writes submitted concurrently for one partition are
// sent together, up to the service's limits (100 operations, 4 MB, each row once), one
// transaction in flight per partition. A submission resolves when its rows are durable.
import type { TransactionAction } from '@azure/data-tables';

const MAX_ACTIONS = 100;
const MAX_CHARS = 3_500_000;

/**
 * About how many characters the actions take in the transaction's body, erring high: string
 * values count 1.25x (JSON text inside them escapes its quotes) plus their names and framing.
 * Walking the rows is far cheaper than serializing them (states of kilobytes, on every commit).
 */
export function payloadChars(actions: TransactionAction[]): number {
  let chars = 0;
  for (const [, row] of actions) {
    chars += 400; // the sub-request's own lines and headers
    for (const key in row) {
      const value = (row as Record<string, unknown>)[key];
      chars += key.length + 8 + (typeof value === 'string' ? Math.ceil(value.length * 1.25) : 24);
    }
  }
  return chars;
}

interface Pending {
  actions: TransactionAction[];
  chars: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Partition {
  queue: Pending[];
  busy: boolean;
}

export class GroupCommitter {
  private readonly partitions = new Map<string, Partition>();
  private inFlight = 0;
  private transactions = 0;
  private rows = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly send: (actions: TransactionAction[]) => Promise<void>) {}

  /** Submits actions for one partition; at most 100 are kept atomic together. */
  submit(partition: string, actions: TransactionAction[]): Promise<void> {
    if (actions.length === 0) return Promise.resolve();
    if (actions.length > MAX_ACTIONS) {
      const parts: Promise<void>[] = [];
      for (let i = 0; i < actions.length; i += MAX_ACTIONS) parts.push(this.submit(partition, actions.slice(i, i + MAX_ACTIONS)));
      return Promise.all(parts).then(() => undefined);
    }
    return new Promise((resolve, reject) => {
      let p = this.partitions.get(partition);
      if (!p) this.partitions.set(partition, (p = { queue: [], busy: false }));
      p.queue.push({ actions, chars: payloadChars(actions), resolve, reject });
      this.pump(p);
    });
  }

  stats(): { writesInFlight: number; transactions: number; rowsWritten: number } {
    return { writesInFlight: this.inFlight, transactions: this.transactions, rowsWritten: this.rows };
  }

  /** Resolves once nothing is queued or in flight. */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private idle(): boolean {
    return [...this.partitions.values()].every((p) => !p.busy && p.queue.length === 0);
  }

  private take(p: Partition): Pending[] {
    const group: Pending[] = [];
    const rowKeys = new Set<string>();
    let actions = 0;
    let chars = 0;
    while (p.queue.length > 0) {
      const next = p.queue[0]!;
      const keys = next.actions.map((a) => String(a[1].rowKey));
      const clash = keys.some((k) => rowKeys.has(k));
      if (group.length > 0 && (clash || actions + next.actions.length > MAX_ACTIONS || chars + next.chars > MAX_CHARS)) break;
      p.queue.shift();
      group.push(next);
      keys.forEach((k) => rowKeys.add(k));
      actions += next.actions.length;
      chars += next.chars;
    }
    return group;
  }

  private pump(p: Partition): void {
    if (p.busy || p.queue.length === 0) return;
    const group = this.take(p);
    p.busy = true;
    this.inFlight++;
    // sendGroup settles every submission itself and never rejects.
    void this.sendGroup(group).finally(() => {
      p.busy = false;
      this.inFlight--;
      this.pump(p);
      if (this.idle()) this.idleWaiters.splice(0).forEach((w) => w());
    });
  }

  private async sendGroup(group: Pending[]): Promise<void> {
    try {
      await this.send(group.flatMap((g) => g.actions));
      this.transactions++;
      this.rows += group.reduce((n, g) => n + g.actions.length, 0);
      group.forEach((g) => g.resolve());
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // One submission's failure must not fail the others: retry each alone.
      for (const g of group) await this.sendGroup([g]);
    }
  }
}
