// POST /api/events: validates every event against the contracts and publishes the valid ones to
// the event hub (an output binding: the Functions host sends them once the function returns);
// answers 202 {accepted, rejected[]}. With ?wait=true the caller waits for the result, so the
// events are routed to the entities at once, as the trigger routes a batch, and the answer comes
// once they and every reaction they caused are applied (functions/shared/ingest-request.ts,
// loaded on the first request: validation brings the contract compiler and ajv).
import { app, output } from '@azure/functions';
import { httpHandler } from './shared/http';
import { durableClientInput } from './shared/durable';

/** The request handling, loaded once, on the first request (an import() per request looks the module up every time). */
let implementation: Promise<typeof import('./shared/ingest-request')> | undefined;

/** The event hub, as an output binding: the same hub and connection the trigger reads. */
const eventHub = output.eventHub({ eventHubName: '%EVENT_HUB_NAME%', connection: 'EventHubConnection' });

app.http('ingest', {
  methods: ['POST'],
  route: 'events',
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  extraOutputs: [eventHub],
  handler: httpHandler(async (scope) => (await (implementation ??= import('./shared/ingest-request'))).ingestRequest(scope, eventHub)),
});
