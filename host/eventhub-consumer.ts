// The local host's event source when EventHubConnection (or its identity-based form) is set: an
// Event Hubs consumer per Event Hubs trigger, fed to the app exactly as the local stream does it
// (a JSON array of event bodies, cardinality many, at most maxEventBatchSize per invocation).
// A partition's batch is checkpointed only after the invocation succeeded; a failing invocation
// is retried (same batch, growing pauses) and never checkpointed, so a crash or a stop replays it.
// Checkpoints live in blob storage (AzureWebJobsStorage, Azurite locally), in the container the
// Functions host uses; with the memory store there is nothing durable to match them, so they are
// kept in memory and every start reads the hub from its earliest event.
import {
  EventHubConsumerClient,
  earliestEventPosition,
  type CheckpointStore,
  type PartitionContext,
  type ReceivedEventData,
  type SubscribeOptions,
  type SubscriptionEventHandlers,
} from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { ContainerClient } from '@azure/storage-blob';
import { appCredential } from '../adapters/identity';
import { invoke, type HostedFunction, type LogSink, type OutputSink } from './worker/app';
import { deliverWithPolicy } from './retry-policy';
import { resolveBindingExpression } from './event-stream';

/** The container the Functions host keeps Event Hubs checkpoints in. */
export const CHECKPOINT_CONTAINER = 'azure-webjobs-eventhub';

/** The part of EventHubConsumerClient this module uses (tests pass a stand-in). */
export interface ConsumerClientLike {
  subscribe(handlers: SubscriptionEventHandlers, options?: SubscribeOptions): { close(): Promise<void> };
  close(): Promise<void>;
}

export interface EventHubConnection {
  connectionString?: string;
  fullyQualifiedNamespace?: string;
}

export interface ConsumerTarget {
  fn: HostedFunction;
  eventHubName: string;
  consumerGroup: string;
  connection: EventHubConnection;
}

export type ConsumerClientFactory = (target: ConsumerTarget, checkpointStore: CheckpointStore | undefined) => ConsumerClientLike | Promise<ConsumerClientLike>;

/** The connection a trigger's binding names (`connection: 'EventHubConnection'`), read as the Functions host reads it. */
export function connectionOf(fn: HostedFunction, env: NodeJS.ProcessEnv = process.env): EventHubConnection | undefined {
  const name = String(fn.trigger.connection ?? 'EventHubConnection');
  const connectionString = env[name]?.trim();
  if (connectionString) return { connectionString };
  const fullyQualifiedNamespace = env[`${name}__fullyQualifiedNamespace`]?.trim();
  return fullyQualifiedNamespace ? { fullyQualifiedNamespace } : undefined;
}

export const createConsumerClient: ConsumerClientFactory = async ({ connection, consumerGroup, eventHubName }, checkpointStore) => {
  if (connection.connectionString) {
    return checkpointStore
      ? new EventHubConsumerClient(consumerGroup, connection.connectionString, eventHubName, checkpointStore)
      : new EventHubConsumerClient(consumerGroup, connection.connectionString, eventHubName);
  }
  const cred = await appCredential();
  const namespace = connection.fullyQualifiedNamespace!;
  return checkpointStore
    ? new EventHubConsumerClient(consumerGroup, namespace, eventHubName, cred, checkpointStore)
    : new EventHubConsumerClient(consumerGroup, namespace, eventHubName, cred);
};

/** Checkpoints (and partition ownership) in blob storage: a connection string, or an account name with the app's identity. */
export async function blobCheckpointStore(storage: { connectionString?: string; accountName?: string }): Promise<BlobCheckpointStore> {
  let container: ContainerClient;
  if (storage.connectionString) container = new ContainerClient(storage.connectionString, CHECKPOINT_CONTAINER);
  else if (storage.accountName)
    container = new ContainerClient(`https://${storage.accountName}.blob.core.windows.net/${CHECKPOINT_CONTAINER}`, await appCredential());
  else throw new Error('setting AzureWebJobsStorage: Event Hubs checkpoints need a storage account');
  await container.createIfNotExists();
  return new BlobCheckpointStore(container);
}

/** What the trigger gets for one event: its body, with bytes as text (the trigger parses JSON text). */
function bodyOf(event: ReceivedEventData): unknown {
  const body: unknown = event.body;
  return body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : body;
}

/** A few of the binding data the Functions host passes with a batch (context.triggerMetadata). */
function metadataOf(events: ReceivedEventData[], context: PartitionContext) {
  const json = (value: unknown) => ({ json: JSON.stringify(value) });
  return {
    PartitionContext: json({
      FullyQualifiedNamespace: context.fullyQualifiedNamespace,
      EventHubName: context.eventHubName,
      ConsumerGroup: context.consumerGroup,
      PartitionId: context.partitionId,
    }),
    SequenceNumberArray: json(events.map((e) => e.sequenceNumber)),
    OffsetArray: json(events.map((e) => e.offset)),
    EnqueuedTimeUtcArray: json(events.map((e) => e.enqueuedTimeUtc.toISOString())),
    PropertiesArray: json(events.map((e) => e.properties ?? {})),
  };
}

export interface EventHubConsumerOptions {
  triggers: HostedFunction[];
  maxEventBatchSize: number;
  prefetchCount?: number;
  durableClient: () => unknown;
  log: LogSink;
  /** Undefined: checkpoints in memory (the memory store keeps nothing either). */
  checkpointStore?: CheckpointStore;
  clientFactory?: ConsumerClientFactory;
  /** Delivers the triggers' own output bindings, if any. */
  outputs?: OutputSink;
  /** How long a partition waits to fill a batch before delivering what it has. */
  maxWaitTimeInSeconds?: number;
}

export interface EventHubConsumers {
  readonly counters: { batches: number; events: number; failedInvocations: number; lostBatches: number; checkpoints: number; failedCheckpoints: number };
  /** Stops receiving; the batch being delivered finishes (or, if failing, stays uncheckpointed). */
  close(): Promise<void>;
}

export async function startEventHubConsumers(options: EventHubConsumerOptions): Promise<EventHubConsumers> {
  const factory = options.clientFactory ?? createConsumerClient;
  const counters = { batches: 0, events: 0, failedInvocations: 0, lostBatches: 0, checkpoints: 0, failedCheckpoints: 0 };
  const say = (level: string, fn: string, message: string) => options.log({ level, category: 'host', fn, invocationId: '', message });
  let closing = false;
  const wakers = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), wakers.delete(done), resolve());
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  async function deliver(fn: HostedFunction, events: ReceivedEventData[], context: PartitionContext): Promise<void> {
    if (events.length === 0 || closing) return;
    const trigger = { json: JSON.stringify(events.map(bodyOf)) };
    const triggerMetadata = metadataOf(events, context);
    // As the Functions host does (host/retry-policy.ts): retried under the function's retry
    // policy; without one, or once its retries are spent, checkpointed all the same.
    const delivery = await deliverWithPolicy(
      fn,
      `event hub batch (partition ${context.partitionId}, ${events.length} events)`,
      async (retryContext) => {
        try {
          await invoke(
            fn,
            { trigger, triggerMetadata, extraByType: { durableClient: options.durableClient() }, ...(retryContext.retryCount > 0 ? { retryContext } : {}) },
            options.log,
            options.outputs,
          );
        } catch (err) {
          counters.failedInvocations++;
          throw err;
        }
      },
      { log: options.log, pause, stopping: () => closing },
    );
    if (delivery.stopped) return; // read again from the last checkpoint at the next start
    if (!delivery.succeeded) counters.lostBatches++;
    counters.batches++;
    counters.events += events.length;
    try {
      await context.updateCheckpoint(events[events.length - 1]!);
      counters.checkpoints++;
    } catch (err) {
      // Without its checkpoint a restart delivers the batch again, which is harmless.
      counters.failedCheckpoints++;
      say('warning', fn.name, `checkpoint of partition ${context.partitionId} failed (the next batch's checkpoint covers it): ${String(err)}`);
    }
  }

  const running: Array<{ client: ConsumerClientLike; subscription: { close(): Promise<void> } }> = [];
  try {
    for (const fn of options.triggers) {
      const connection = connectionOf(fn);
      if (!connection)
        throw new Error(
          `function ${fn.name}: setting ${String(fn.trigger.connection ?? 'EventHubConnection')} (or its __fullyQualifiedNamespace form) is empty`,
        );
      const target: ConsumerTarget = {
        fn,
        connection,
        eventHubName: resolveBindingExpression(String(fn.trigger.eventHubName ?? '')),
        consumerGroup: resolveBindingExpression(String(fn.trigger.consumerGroup ?? '')) || '$Default',
      };
      const client = await factory(target, options.checkpointStore);
      const subscription = client.subscribe(
        {
          processEvents: (events, context) => deliver(fn, events, context),
          processError: async (err, context) =>
            say('warning', fn.name, `event hub ${target.eventHubName} partition ${context.partitionId || '(none)'}: ${String(err)}`),
        },
        {
          maxBatchSize: options.maxEventBatchSize,
          maxWaitTimeInSeconds: options.maxWaitTimeInSeconds ?? 1,
          startPosition: earliestEventPosition,
          ...(options.prefetchCount && options.prefetchCount >= options.maxEventBatchSize ? { prefetchCount: options.prefetchCount } : {}),
        },
      );
      running.push({ client, subscription });
      say(
        'information',
        fn.name,
        `consuming event hub ${target.eventHubName} (consumer group ${target.consumerGroup}, checkpoints ${options.checkpointStore ? 'in blob storage' : 'in memory'})`,
      );
    }
  } catch (err) {
    await Promise.all(running.map(async (r) => (await r.subscription.close(), await r.client.close()))).catch(() => {});
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    counters,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        wakers.forEach((wake) => wake());
        await Promise.all(
          running.map(async ({ client, subscription }) => {
            await subscription.close();
            await client.close();
          }),
        );
      })()),
  };
}
