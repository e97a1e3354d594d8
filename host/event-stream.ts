// The local stand-in for Event Hubs when EventHubConnection is empty: events an app sends to its
// Event Hubs output binding (host/outputs.ts) are stored durably (the entity store's log) in a few
// partitions (by subject, so one node's events stay in order) and fed to the app's Event Hubs
// triggers in batches of maxEventBatchSize, one batch at a time per partition. A batch is
// checkpointed (consumed) only after the trigger returns; a throwing trigger gets it again.
import { fnv1a32 } from '../core/hash';
import { invoke, type HostedFunction, type LogSink } from './app';
import type { EntityRuntime } from './entities/runtime';

export const STREAM_QUEUE = '$eventhub';
const PARTITIONS = 4;

/** Expands `%NAME%` binding expressions from the app settings, as the Functions host does. */
export function resolveBindingExpression(value: string): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => process.env[name] ?? '');
}

export class UnknownHubError extends Error {}

export class LocalEventStream {
  private readonly triggersByHub = new Map<string, HostedFunction[]>();

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
    runtime.registerQueue(STREAM_QUEUE, (key, _current, batch) => this.deliver(key, batch.map((op) => JSON.parse(op.input) as unknown)), maxEventBatchSize);
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

  private async deliver(key: string, events: unknown[]) {
    const hub = key.slice(0, key.lastIndexOf('#'));
    for (const fn of this.triggersByHub.get(hub) ?? []) {
      await invoke(fn, { trigger: { json: JSON.stringify(events) }, extraByType: { durableClient: this.durableClient() } }, this.log);
    }
    return { entityExists: false, results: events.map(() => ({ isError: false })), signals: [] };
  }
}
