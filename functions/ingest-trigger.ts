// The Event Hubs trigger: validates again (sources may publish straight to the hub), dead-letters
// the invalid with their reasons, and routes the batch to the entities (functions/shared/route.ts).
// The invocation completes (and the host checkpoints) only after those signals are accepted.
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { config } from '../core/config';
import { createLogger } from '../core/log';
import { checkEvents } from '../core/ingest/check';
import { dataProduct } from './shared/product';
import { deadLetters } from './shared/services';
import { deadLettersOf } from './shared/ingest';
import { routeToEntities } from './shared/route';

function decode(message: unknown): unknown {
  if (Buffer.isBuffer(message)) message = message.toString('utf8');
  if (typeof message !== 'string') return message;
  try {
    return JSON.parse(message);
  } catch {
    return message; // rejected below with its reason
  }
}

app.eventHub('ingestTrigger', {
  connection: 'EventHubConnection',
  eventHubName: '%EVENT_HUB_NAME%',
  consumerGroup: '%EVENT_HUB_CONSUMER_GROUP%',
  cardinality: 'many',
  extraInputs: [df.input.durableClient()],
  handler: async (messages, context) => {
    const log = createLogger(context, context.invocationId, config().logLevel);
    const { accepted, rejected } = checkEvents(dataProduct().product, (messages as unknown[]).map(decode));
    if (rejected.length > 0) await deadLetters().put(deadLettersOf(rejected, 'trigger'));
    const routed = await routeToEntities(df.getClient(context), accepted, rejected);
    log.info('batch routed', { events: (messages as unknown[]).length, accepted: accepted.length, rejected: rejected.length, ...routed });
  },
});
