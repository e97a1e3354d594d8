// POST /api/events: validates every event against the contracts and publishes the valid ones to
// the event hub (an output binding: the Functions host sends them once the function returns);
// answers 202 {accepted, rejected[]}. With ?wait=true the caller waits for the result, so the
// events are routed to the entities at once, as the trigger routes a batch, and the answer comes
// once they and every reaction they caused are applied.
import { app, output } from '@azure/functions';
import * as df from 'durable-functions';
import { config } from '../core/config';
import { UnavailableError, UserError } from '../core/errors';
import { checkEvents } from '../core/ingest/check';
import { parseEventsBody } from '../core/ingest/parse';
import { stampArrivalTime } from '../core/ingest/stamp';
import { httpHandler } from './shared/http';
import { dataProduct } from './shared/product';
import { deadLetters } from './shared/services';
import { randomUUID } from 'node:crypto';
import { deadLettersOf, markForWait, waitUntilDone, withoutWaitAttributes } from './shared/ingest';
import { routeToEntities } from './shared/route';

/** The event hub, as an output binding: the same hub and connection the trigger reads. */
const eventHub = output.eventHub({ eventHubName: '%EVENT_HUB_NAME%', connection: 'EventHubConnection' });

async function dependency<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UnavailableError(name, { cause: err });
  }
}

app.http('ingest', {
  methods: ['POST'],
  route: 'events',
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  extraOutputs: [eventHub],
  handler: httpHandler(async ({ request, context, log }) => {
    const { maxBytes, maxEvents, waitTimeoutMs } = config().ingest;
    if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw new UserError(413, 'body-too-large', `the body is over the limit of ${maxBytes} bytes`, { limit: maxBytes });
    const text = await request.text();
    if (Buffer.byteLength(text) > maxBytes) throw new UserError(413, 'body-too-large', `the body is over the limit of ${maxBytes} bytes`, { limit: maxBytes });
    // Wait attributes are the mesh's own: a client's are dropped.
    const raw = stampArrivalTime(parseEventsBody(request.headers.get('content-type'), text, maxEvents), new Date().toISOString()).map(withoutWaitAttributes);
    const { accepted, rejected } = checkEvents(dataProduct().product, raw);
    if (rejected.length > 0) await dependency('the dead-letter store', () => deadLetters().put(deadLettersOf(rejected, 'ingest')));
    const wait = request.query.get('wait') === 'true' && accepted.length > 0 ? randomUUID() : undefined;
    let waited;
    if (wait) {
      const marked = accepted.map((a) => ({ ...a, event: { ...a.event } }));
      markForWait(marked.map((a) => a.event as unknown as Record<string, unknown>), wait);
      const client = df.getClient(context);
      await dependency('the durable entities', () => routeToEntities(client, marked));
      waited = await waitUntilDone(client, wait, accepted, waitTimeoutMs);
    } else if (accepted.length > 0) {
      context.extraOutputs.set(eventHub, accepted.map((a) => a.event));
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
  }),
});
