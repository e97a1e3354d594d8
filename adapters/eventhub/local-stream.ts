// Publishes to the local host's durable event stream (the stand-in for Event Hubs when
// EventHubConnection is empty); the host feeds the same Event Hubs trigger from it in batches.
import type { CloudEvent } from '../../core/contracts/changes';
import type { EventPublisher } from '../../core/ports/events';

/** Set by the local host for the apps it runs: where its stream accepts events. */
export const LOCAL_STREAM_URL_VARIABLE = 'MESH_LOCAL_STREAM_URL';

export class LocalStreamPublisher implements EventPublisher {
  readonly kind = 'local-stream';
  constructor(private readonly url: string) {}

  async publish(events: CloudEvent[]): Promise<void> {
    const res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    if (res.status !== 202) throw new Error(`local stream refused ${events.length} events: ${res.status} ${await res.text()}`);
  }
}
