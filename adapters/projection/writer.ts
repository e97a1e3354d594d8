// The projection writer: group commit shared by every entity invocation in a process. Documents
// of every type are coalesced (a newer version of a pending document replaces it) and written in
// one store bulk of up to `maxDocs`; a write() resolves only once its documents are durable in the
// store. At most `maxInFlight` bulks run at once: documents handed over meanwhile wait for the
// next one, so bulks grow with the store's latency instead of multiplying (classic group commit).
// An idle writer waits at most `maxDelayMs` for company before it writes. Failed flushes are
// retried with backoff; documents the store refuses for good (a mapping error) come back to the
// caller to dead-letter.
import type { BulkFailure, ProjectionDoc, ProjectionStore } from '../../core/projection/port';

export interface WriterOptions {
  /** Most documents in one bulk; reaching it flushes at once (when a bulk slot is free). */
  maxDocs?: number;
  /** Longest wait of a document handed over to an idle writer before its bulk starts. */
  maxDelayMs?: number;
  /** Bulks in flight at once (a bulk waiting to retry does not hold its slot). */
  maxInFlight?: number;
  /** Attempts for a retryable failure before the write is rejected (the actor re-projects later). */
  attempts?: number;
  retryBaseMs?: number;
}

export const DEFAULT_WRITER_OPTIONS = { maxDocs: 1000, maxDelayMs: 2, maxInFlight: 1, attempts: 6, retryBaseMs: 100 } as const;

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
  /** By global id (`Type:key`), in arrival order. */
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private inFlightDocs = 0;
  /** A bulk just ended: its callers are handing over their next documents, which should join the next bulk. */
  private settling = false;
  private readonly options: Required<WriterOptions>;
  readonly counters = { flushes: 0, bulkRequests: 0, written: 0, stale: 0, failed: 0, retries: 0 };

  constructor(
    private readonly store: ProjectionStore,
    options: WriterOptions = {},
  ) {
    this.options = { ...DEFAULT_WRITER_OPTIONS, ...options };
  }

  /** Hands documents over; resolves with the ones the store refused for good, once the rest are durable. */
  write(docs: ProjectionDoc[]): Promise<BulkFailure[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { ids: new Set(docs.map((d) => d.id)), resolve, reject, failed: [] };
      for (const doc of docs) {
        const existing = this.pending.get(doc.id);
        if (existing) {
          if (doc.version > existing.doc.version) existing.doc = doc; // coalesce: only the newest is written
          existing.waiters.push(waiter);
        } else this.pending.set(doc.id, { doc, waiters: [waiter], since: Date.now() });
      }
      this.schedule();
    });
  }

  /** Documents accepted but not yet durable, and the age of the oldest (the projection lag). */
  lag(): { documents: number; oldestMs: number } {
    const oldest = this.pending.values().next().value as Pending | undefined;
    return { documents: this.pending.size + this.inFlightDocs, oldestMs: oldest ? Date.now() - oldest.since : 0 };
  }

  /** Writes everything pending now, whatever is in flight (shutdown, tests). */
  async flushNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const flights: Promise<void>[] = [];
    while (this.pending.size > 0) flights.push(this.startBulk());
    await Promise.all(flights);
  }

  private schedule(): void {
    // The running bulk's end calls again.
    if (this.pending.size === 0 || this.inFlight >= this.options.maxInFlight || this.settling) return;
    const oldest = this.pending.values().next().value as Pending;
    const waited = Date.now() - oldest.since;
    if (this.pending.size >= this.options.maxDocs || waited >= this.options.maxDelayMs) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.startBulk();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxDelayMs - waited);
    }
  }

  /** Takes up to maxDocs pending documents, oldest first, into one bulk. */
  private startBulk(): Promise<void> {
    const items: Pending[] = [];
    for (const [id, p] of this.pending) {
      if (items.length >= this.options.maxDocs) break;
      items.push(p);
      this.pending.delete(id);
    }
    return this.flush(items);
  }

  private async flush(items: Pending[]): Promise<void> {
    this.counters.flushes++;
    this.inFlight++;
    this.inFlightDocs += items.length;
    let holdsSlot = true;
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
        if (attempt >= this.options.attempts) {
          const reason = byId.get(todo[0]!.doc.id)?.reason ?? 'unknown';
          const err = new Error(`projection store kept failing after ${attempt} attempts: ${reason}`);
          for (const p of todo) p.waiters.forEach((w) => w.reject(err));
          break;
        }
        this.counters.retries++;
        // Waiting to retry does not hold up the documents behind it.
        if (holdsSlot) {
          holdsSlot = false;
          this.inFlight--;
          this.schedule();
        }
        await new Promise((r) => setTimeout(r, this.options.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random())));
      }
    } finally {
      if (holdsSlot) this.inFlight--;
      this.inFlightDocs -= items.length;
      // Once the callers just answered have handed over their next documents (they join the next bulk).
      this.settling = true;
      setImmediate(() => {
        this.settling = false;
        this.schedule();
      });
    }
  }

  private settle(p: Pending): void {
    for (const w of p.waiters) {
      w.ids.delete(p.doc.id);
      if (w.ids.size === 0) w.resolve(w.failed);
    }
  }
}
