// The Event Hubs trigger: each batch is validated again, dead-lettered where invalid and routed
// to the entities (functions/shared/ingest-batch.ts, loaded on the first batch).
//
// Retries: an Event Hubs invocation that throws is checkpointed all the same unless the function
// declares a retry policy, so without one a dead-letter store or durable backend that fails for a
// moment would lose the whole batch. So it retries without limit, backing off to a minute: what
// fails here fails for a while (storage, the durable backend), and the batch must wait for it.
// An endless retry holds its partition, so nothing may fail for good: events that can never be
// applied are dead-lettered with their reason (validation never throws), and a dead letter too
// large for its row keeps a truncated payload rather than failing (adapters/deadletter/rows.ts).
import { app } from '@azure/functions';
import { durableClientInput } from './shared/durable';

/** The batch handling, loaded once, on the first batch (an import() per batch looks the module up every time). */
let implementation: Promise<typeof import('./shared/ingest-batch')> | undefined;

app.eventHub('ingestTrigger', {
  connection: 'EventHubConnection',
  eventHubName: '%EVENT_HUB_NAME%',
  consumerGroup: '%EVENT_HUB_CONSUMER_GROUP%',
  cardinality: 'many',
  retry: { strategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { minutes: 1 } },
  extraInputs: [durableClientInput],
  handler: async (messages, context) => (await (implementation ??= import('./shared/ingest-batch'))).ingestBatch(messages, context),
});
