// Publishes to Azure Event Hubs with the SDK's producer, in batches sized by the SDK (1 MB).
import { EventHubProducerClient, type EventData } from '@azure/event-hubs';
import type { CloudEvent } from '../../core/contracts/changes';
import type { EventPublisher } from '../../core/ports/events';

export class EventHubPublisher implements EventPublisher {
  readonly kind = 'eventhubs';
  private readonly client: EventHubProducerClient;

  /** From a connection string, or a ready client (identity-based in Azure). */
  constructor(connection: string | EventHubProducerClient, eventHubName: string) {
    this.client = typeof connection === 'string' ? new EventHubProducerClient(connection, eventHubName) : connection;
  }

  async publish(events: CloudEvent[]): Promise<void> {
    let batch = await this.client.createBatch();
    for (const event of events) {
      // Structured CloudEvents: the whole event as the body, its content type in the properties.
      const data: EventData = { body: event, contentType: 'application/cloudevents+json' };
      if (batch.tryAdd(data)) continue;
      if (batch.count === 0) throw new Error(`event ${event.id} is larger than an Event Hubs batch (${batch.maxSizeInBytes} bytes)`);
      await this.client.sendBatch(batch);
      batch = await this.client.createBatch();
      if (!batch.tryAdd(data)) throw new Error(`event ${event.id} is larger than an Event Hubs batch (${batch.maxSizeInBytes} bytes)`);
    }
    if (batch.count > 0) await this.client.sendBatch(batch);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
