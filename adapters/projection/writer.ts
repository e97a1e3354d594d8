// The projection writer: group commit shared by every entity invocation in a process. Documents
// are coalesced per node type and flushed at `maxDocs` or after `maxDelayMs`; a write() resolves
// only once its documents are durable in the store. Failed flushes are retried with backoff;
// documents the store refuses for good (a mapping error) come back to the caller to dead-letter.
import type { BulkFailure, ProjectionDoc, ProjectionStore } from '../../core/projection/port';

export interface WriterOptions {
  maxDocs?: number;
  maxDelayMs?: number;
  /** Attempts for a retryable failure before the write is rejected (the actor re-projects later). */
  attempts?: number;
  retryBaseMs?: number;
}

interface Waiter {
  ids: Set<string>;
  resolve: (failed: BulkFailure[]) => void;
  reject: (err: unknown) => void;
  failed: BulkFailure[];
}

interface Pending {
  doc: ProjectionDoc;
  waiters: Waiter[];
  since: number;
}

export class ProjectionWriter {
  private readonly pending = new Map<string, Map<string, Pending>>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly maxDocs: number;
  private readonly maxDelayMs: number;
  private readonly attempts: number;
  private readonly retryBaseMs: number;
  readonly counters = { flushes: 0, bulkRequests: 0, written: 0, stale: 0, failed: 0, retries: 0 };

  constructor(private readonly store: ProjectionStore, options: WriterOptions = {}) {
    this.maxDocs = options.maxDocs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 2;
    this.attempts = options.attempts ?? 6;
    this.retryBaseMs = options.retryBaseMs ?? 100;
  }

  /** Hands documents over; resolves with the ones the store refused for good, once the rest are durable. */
  write(docs: ProjectionDoc[]): Promise<BulkFailure[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { ids: new Set(docs.map((d) => d.id)), resolve, reject, failed: [] };
      for (const doc of docs) {
        const byType = this.pending.get(doc.type) ?? new Map<string, Pending>();
        this.pending.set(doc.type, byType);
        const existing = byType.get(doc.id);
        if (existing) {
          if (doc.version > existing.doc.version) existing.doc = doc; // coalesce: only the newest is written
          existing.waiters.push(waiter);
        } else byType.set(doc.id, { doc, waiters: [waiter], since: Date.now() });
      }
      this.schedule();
    });
  }

  /** Documents accepted but not yet durable, and the age of the oldest (the projection lag). */
  lag(): { documents: number; oldestMs: number } {
    let documents = 0;
    let oldest = Infinity;
    for (const byType of this.pending.values()) for (const p of byType.values()) {
      documents++;
      oldest = Math.min(oldest, p.since);
    }
    return { documents: documents + this.inFlight, oldestMs: documents ? Date.now() - oldest : 0 };
  }

  async flushNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending.entries()];
    this.pending.clear();
    await Promise.all(batches.map(([, byType]) => this.flush([...byType.values()])));
  }

  private schedule(): void {
    const size = [...this.pending.values()].reduce((n, m) => n + m.size, 0);
    if (size >= this.maxDocs) void this.flushNow();
    else this.timer ??= setTimeout(() => void this.flushNow(), this.maxDelayMs);
  }

  private async flush(items: Pending[]): Promise<void> {
    this.counters.flushes++;
    this.inFlight += items.length;
    let todo = items;
    try {
      for (let attempt = 1; todo.length > 0; attempt++) {
        this.counters.bulkRequests++;
        let failures: BulkFailure[];
        try {
          const result = await this.store.bulk(todo.map((p) => p.doc));
          this.counters.written += result.written;
          this.counters.stale += result.stale;
          failures = result.failed;
        } catch (err) {
          failures = todo.map((p) => ({ id: p.doc.id, reason: err instanceof Error ? err.message : String(err), retryable: true }));
        }
        const byId = new Map(failures.map((f) => [f.id, f]));
        for (const p of todo) {
          const f = byId.get(p.doc.id);
          if (f && !f.retryable) {
            this.counters.failed++;
            p.waiters.forEach((w) => w.failed.push(f));
          }
        }
        const retry = todo.filter((p) => byId.get(p.doc.id)?.retryable);
        todo.filter((p) => !byId.get(p.doc.id)?.retryable).forEach((p) => this.settle(p));
        todo = retry;
        if (todo.length === 0) break;
        if (attempt >= this.attempts) {
          const reason = byId.get(todo[0]!.doc.id)?.reason ?? 'unknown';
          const err = new Error(`projection store kept failing after ${attempt} attempts: ${reason}`);
          for (const p of todo) p.waiters.forEach((w) => w.reject(err));
          break;
        }
        this.counters.retries++;
        await new Promise((r) => setTimeout(r, this.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random())));
      }
    } finally {
      this.inFlight -= items.length;
    }
  }

  private settle(p: Pending): void {
    for (const w of p.waiters) {
      w.ids.delete(p.doc.id);
      if (w.ids.size === 0) w.resolve(w.failed);
    }
  }
}
