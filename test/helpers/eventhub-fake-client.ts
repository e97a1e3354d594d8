// A stand-in for EventHubConsumerClient at the SDK boundary: the test plays the SDK's part by
// calling the subscription's handlers with batches and partition contexts. A context's
// updateCheckpoint writes to the checkpoint store the host gave the client, as the SDK's does.
import type { CheckpointStore, PartitionContext, ReceivedEventData, SubscribeOptions, SubscriptionEventHandlers } from '@azure/event-hubs';
import type { ConsumerClientFactory, ConsumerClientLike, ConsumerTarget } from '../../host/eventhub-consumer';

export const NAMESPACE = 'fake.servicebus.windows.net';
export const CONNECTION = `Endpoint=sb://${NAMESPACE}/;SharedAccessKeyName=test;SharedAccessKey=not-a-secret`;

/** What the fixture app's trigger saw (on globalThis: the host loads the app itself). */
export interface EventHubFixture {
  batches: unknown[][];
  attempts: number;
  /** Invocations still to fail. */
  failNext: number;
}

export function fixture(): EventHubFixture {
  const g = globalThis as { eventHubFixture?: EventHubFixture };
  return (g.eventHubFixture ??= { batches: [], attempts: 0, failNext: 0 });
}

export class FakeConsumerClient implements ConsumerClientLike {
  handlers: SubscriptionEventHandlers | undefined;
  options: SubscribeOptions | undefined;
  subscriptionClosed = false;
  closed = false;
  /** Checkpoints asked for, by partition: the sequence numbers in order. */
  readonly checkpoints = new Map<string, number[]>();
  private sequence = 0;

  constructor(
    readonly target: ConsumerTarget,
    readonly store: CheckpointStore | undefined,
  ) {}

  subscribe(handlers: SubscriptionEventHandlers, options?: SubscribeOptions) {
    this.handlers = handlers;
    this.options = options;
    return { close: async () => void (this.subscriptionClosed = true) };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  events(bodies: unknown[]): ReceivedEventData[] {
    return bodies.map((body) => {
      const sequenceNumber = this.sequence++;
      const getRawAmqpMessage = (): never => {
        throw new Error('the host reads the decoded body only');
      };
      return {
        body,
        enqueuedTimeUtc: new Date(Date.UTC(2024, 0, 1)),
        partitionKey: null,
        offset: String(sequenceNumber * 100),
        sequenceNumber,
        properties: {},
        getRawAmqpMessage,
      };
    });
  }

  context(partitionId: string): PartitionContext {
    const { eventHubName, consumerGroup } = this.target;
    return {
      fullyQualifiedNamespace: NAMESPACE,
      eventHubName,
      consumerGroup,
      partitionId,
      updateCheckpoint: async (event: ReceivedEventData) => {
        this.checkpoints.set(partitionId, [...(this.checkpoints.get(partitionId) ?? []), event.sequenceNumber]);
        await this.store?.updateCheckpoint({
          fullyQualifiedNamespace: NAMESPACE,
          eventHubName,
          consumerGroup,
          partitionId,
          sequenceNumber: event.sequenceNumber,
          offset: event.offset,
        });
      },
    };
  }

  /** What the SDK does with a batch it received: hands it to processEvents and awaits it. */
  deliver(partitionId: string, bodies: unknown[]): Promise<void> {
    if (!this.handlers) throw new Error('nothing subscribed');
    return this.handlers.processEvents(this.events(bodies), this.context(partitionId));
  }
}

/** A factory that keeps the clients it made. */
export function fakeClients(): { factory: ConsumerClientFactory; clients: FakeConsumerClient[] } {
  const clients: FakeConsumerClient[] = [];
  return { clients, factory: (target, store) => (clients.push(new FakeConsumerClient(target, store)), clients[clients.length - 1]!) };
}
