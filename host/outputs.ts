// Output bindings, delivered as the Functions host delivers them once a function returned: an
// Event Hubs output goes to the event hub when one is configured (EventHubConnection, as the
// binding names it), else to this host's durable event stream, in-process.
import type { RpcBinding } from './worker/functions-core';
import type { OutputSink } from './worker/app';
import { resolveBindingExpression, type LocalEventStream } from './event-stream';
import type { Config } from '../core/config';
import { appCredential } from '../adapters/identity';

interface Producer {
  publish(events: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export interface HostOutputs {
  sink: OutputSink;
  close(): Promise<void>;
}

export function hostOutputs(stream: LocalEventStream, eventHub: Config['eventHub']): HostOutputs {
  const producers = new Map<string, Promise<Producer>>();
  const real = Boolean(eventHub.connectionString || eventHub.fullyQualifiedNamespace);
  const producer = (hub: string): Promise<Producer> => {
    let made = producers.get(hub);
    if (!made) {
      // Loaded only with a hub: the Event Hubs client is large and most runs need none.
      made = (async () => {
        const [{ EventHubPublisher }, { EventHubProducerClient }] = await Promise.all([import('../adapters/eventhub/producer'), import('@azure/event-hubs')]);
        if (eventHub.connectionString) return new EventHubPublisher(eventHub.connectionString, hub) as unknown as Producer;
        return new EventHubPublisher(new EventHubProducerClient(eventHub.fullyQualifiedNamespace!, hub, await appCredential()), hub) as unknown as Producer;
      })();
      producers.set(hub, made);
    }
    return made;
  };
  const sink: OutputSink = async (binding: RpcBinding, value: unknown) => {
    if (binding.type !== 'eventHub') throw new Error(`the local host delivers no ${binding.type} output binding`);
    const hub = resolveBindingExpression(String(binding.eventHubName ?? ''));
    if (value === undefined || value === null) return;
    const events = Array.isArray(value) ? value : [value];
    if (events.length === 0) return;
    if (real) await (await producer(hub)).publish(events);
    else await stream.publish(hub, events);
  };
  return {
    sink,
    close: async () => {
      await Promise.all([...producers.values()].map(async (p) => (await p.catch(() => undefined))?.close()));
    },
  };
}
