// The local stand-in for Event Hubs when EventHubConnection is empty: events an app sends to its
// Event Hubs output binding (host/outputs.ts) are stored durably (the entity store's log) in a few
// partitions (by subject, so one node's events stay in order) and fed to the app's Event Hubs
// triggers in batches of maxEventBatchSize, one batch at a time per partition. A failed
// invocation is handled as in Azure (host/retry-policy.ts): retried under the function's retry
// policy, and without one, or once its retries are spent, checkpointed all the same.
import { fnv1a32 } from '../core/hash';
import { invoke, type HostedFunction, type LogSink, type OutputSink } from './worker/app';
import type { EntityRuntime } from './entities/runtime';
import { deliverWithPolicy } from './retry-policy';

export const STREAM_QUEUE = '$eventhub';
const PARTITIONS = 4;

/** Expands `%NAME%` binding expressions from the app settings, as the Functions host does. */
export function resolveBindingExpression(value: string): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => process.env[name] ?? '');
}

export class UnknownHubError extends Error {}

/** A batch the host is stopping on while retrying it: left queued for the next start. */
class StoppedWhileRetrying extends Error {}

export class LocalEventStream {
  private readonly triggersByHub = new Map<string, HostedFunction[]>();
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  readonly counters = { batches: 0, events: 0, failedInvocations: 0, lostBatches: 0 };
  /** Delivers the triggers' own output bindings, if any. */
  outputs?: OutputSink;

  constructor(
    private readonly runtime: EntityRuntime,
    triggers: HostedFunction[],
    maxEventBatchSize: number,
    private readonly durableClient: () => unknown,
    private readonly log: LogSink,
  ) {
    for (const fn of triggers) {
      const hub = resolveBindingExpression(String(fn.trigger.eventHubName ?? '')).toLowerCase();
      this.triggersByHub.set(hub, [...(this.triggersByHub.get(hub) ?? []), fn]);
    }
    runtime.registerQueue(
      STREAM_QUEUE,
      (key, _current, batch) =>
        this.deliver(
          key,
          batch.map((op) => JSON.parse(op.input) as unknown),
        ),
      maxEventBatchSize,
    );
  }

  get hubs(): string[] {
    return [...this.triggersByHub.keys()];
  }

  /** Durable once resolved. */
  async publish(hub: string, events: unknown[]): Promise<void> {
    const name = hub.toLowerCase();
    if (!this.triggersByHub.has(name)) throw new UnknownHubError(`no function listens to event hub "${hub}"; known: ${this.hubs.join(', ') || 'none'}`);
    const items = events.map((e) => {
      const subject = (e as { subject?: unknown } | null)?.subject;
      const partition = fnv1a32(typeof subject === 'string' ? subject : JSON.stringify(e)) % PARTITIONS;
      return { key: `${name}#${partition}`, input: JSON.stringify(e) };
    });
    await this.runtime.signalMany(STREAM_QUEUE, 'event', items);
  }

  /** Stops retrying: a batch being retried stays queued (uncheckpointed) for the next start. */
  stop(): void {
    this.stopping = true;
    this.wakers.forEach((wake) => wake());
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), this.wakers.delete(done), resolve());
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private async deliver(key: string, events: unknown[]) {
    const hub = key.slice(0, key.lastIndexOf('#'));
    const trigger = { json: JSON.stringify(events) };
    for (const fn of this.triggersByHub.get(hub) ?? []) {
      const delivery = await deliverWithPolicy(
        fn,
        `event hub batch (partition ${key}, ${events.length} events)`,
        async (retryContext) => {
          try {
            await invoke(
              fn,
              { trigger, extraByType: { durableClient: this.durableClient() }, ...(retryContext.retryCount > 0 ? { retryContext } : {}) },
              this.log,
              this.outputs,
            );
          } catch (err) {
            this.counters.failedInvocations++;
            throw err;
          }
        },
        { log: this.log, pause: (ms) => this.pause(ms), stopping: () => this.stopping },
      );
      if (delivery.stopped) throw new StoppedWhileRetrying(`stopping while retrying partition ${key}: its batch is delivered again at the next start`);
      if (!delivery.succeeded) this.counters.lostBatches++;
    }
    this.counters.batches++;
    this.counters.events += events.length;
    return { entityExists: false, results: events.map(() => ({ isError: false })), signals: [] };
  }
}
