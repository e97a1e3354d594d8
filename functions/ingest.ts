// POST /api/events: validates every event against the contracts and publishes the valid ones to
// the event hub; answers 202 {accepted, rejected[]}. ?wait=true answers once they are applied.
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { config } from '../core/config';
import { UnavailableError, UserError } from '../core/errors';
import { checkEvents } from '../core/ingest/check';
import { parseEventsBody } from '../core/ingest/parse';
import { stampArrivalTime } from '../core/ingest/stamp';
import { httpHandler } from './shared/http';
import { dataProduct } from './shared/product';
import { deadLetters, publisher } from './shared/services';
import { randomUUID } from 'node:crypto';
import { deadLettersOf, markForWait, waitUntilDone, withoutWaitAttributes } from './shared/ingest';

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
    const events = accepted.map((a) => (wait ? { ...a.event } : a.event));
    if (wait) markForWait(events as unknown as Array<Record<string, unknown>>, wait);
    if (accepted.length > 0) await dependency('the event hub', () => publisher().publish(events));
    log.info('events received', { received: raw.length, accepted: accepted.length, rejected: rejected.length });
    const waited = wait ? await waitUntilDone(df.getClient(context), wait, accepted, waitTimeoutMs) : undefined;
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
