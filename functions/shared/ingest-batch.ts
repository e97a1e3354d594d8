// What the Event Hubs trigger does with a batch: validates again (sources may publish straight to
// the hub), dead-letters the invalid with their reasons, and routes the rest to the entities.
// It completes only after the dead letters are stored and the signals accepted.
import type { InvocationContext } from '@azure/functions';
import { durableClientOf } from './durable';
import { config } from '../../core/config';
import { createLogger } from '../../core/log';
import { checkEvents } from '../../core/ingest/check';
import { dataProduct } from './product';
import { deadLetters } from './services';
import { deadLettersOf } from './ingest';
import { routeToEntities } from './route';

function decode(message: unknown): unknown {
  if (Buffer.isBuffer(message)) message = message.toString('utf8');
  if (typeof message !== 'string') return message;
  try {
    return JSON.parse(message);
  } catch {
    return message; // rejected below with its reason
  }
}

export async function ingestBatch(messages: unknown, context: InvocationContext): Promise<void> {
  const log = createLogger(context, context.invocationId, config().logLevel);
  const { accepted, rejected } = checkEvents(dataProduct().product, (messages as unknown[]).map(decode));
  if (rejected.length > 0) await deadLetters().put(deadLettersOf(rejected, 'trigger'));
  const routed = await routeToEntities(durableClientOf(context), accepted, rejected);
  log.info('batch routed', {
    events: (messages as unknown[]).length,
    accepted: accepted.length,
    rejected: rejected.length,
    ...routed,
    ...(context.retryContext ? { retry: context.retryContext.retryCount } : {}),
  });
}
