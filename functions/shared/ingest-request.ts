// What POST /api/events does with a request (functions/ingest.ts registers it): validates every
// event against the contracts, dead-letters the invalid, and hands the valid to the event hub
// output binding; with ?wait=true routes them to the entities at once and waits for the result.
import { randomUUID } from 'node:crypto';
import type { EventHubOutput, HttpResponseInit } from '@azure/functions';
import { config } from '../../core/config';
import { fromDependency } from '../../core/errors';
import { checkEvents } from '../../core/ingest/check';
import { parseEventsBody } from '../../core/ingest/parse';
import { stampArrivalTime } from '../../core/ingest/stamp';
import { bodyWithin, type RequestScope } from './http';
import { dataProduct } from './product';
import { deadLetters } from './services';
import { deadLettersOf, markForWait, waitUntilDone, withoutWaitAttributes } from './ingest';
import { routeToEntities } from './route';
import { durableClientOf } from './durable';

export async function ingestRequest({ request, context, log }: RequestScope, eventHub: EventHubOutput): Promise<HttpResponseInit> {
  const { maxBytes, maxEvents, waitTimeoutMs } = config().ingest;
  const text = await bodyWithin(request, maxBytes);
  // Wait attributes are the mesh's own: a client's are dropped.
  const raw = stampArrivalTime(parseEventsBody(request.headers.get('content-type'), text, maxEvents), new Date().toISOString()).map(withoutWaitAttributes);
  const { accepted, rejected } = checkEvents(dataProduct().product, raw);
  if (rejected.length > 0) await fromDependency('the dead-letter store', () => deadLetters().put(deadLettersOf(rejected, 'ingest')));
  const wait = request.query.get('wait') === 'true' && accepted.length > 0 ? randomUUID() : undefined;
  let waited;
  if (wait) {
    const marked = accepted.map((a) => ({ ...a, event: { ...a.event } }));
    markForWait(
      marked.map((a) => a.event as unknown as Record<string, unknown>),
      wait,
    );
    const client = durableClientOf(context);
    await fromDependency('the durable entities', () => routeToEntities(client, marked));
    waited = await waitUntilDone(client, wait, accepted, waitTimeoutMs);
  } else if (accepted.length > 0) {
    context.extraOutputs.set(
      eventHub,
      accepted.map((a) => a.event),
    );
  }
  log.info('events received', { received: raw.length, accepted: accepted.length, rejected: rejected.length, ...(wait ? { waited: true } : {}) });
  return {
    status: 202,
    jsonBody: {
      accepted: accepted.length,
      rejected: rejected.map(({ index, id, reason }) => ({ index, ...(id ? { id } : {}), reason })),
      ...(waited ? { applied: waited.applied, waitedMs: waited.ms, ...(waited.pending ? { pending: waited.pending } : {}) } : {}),
    },
  };
}
