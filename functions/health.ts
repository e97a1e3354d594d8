// GET /api/health: liveness of the hot app, how its entities run, and its projection state:
// documents accepted but not yet searchable (lag) and nodes whose document a store refused,
// waiting for their retry (pending: count and the oldest's age).
import { app } from '@azure/functions';
import { durableClientInput, durableClientOf } from './shared/durable';
import { httpHandler } from './shared/http';
import { APP_VERSION } from '../core/version';
import { projectionLag } from './shared/projections';
import { ENTITY_MODE } from '../actors/batched';
import { PENDING_ENTITY, PENDING_SHARDS, type PendingState } from '../actors/messages/projections';
import { pendingSummary } from '../actors/projections/logic';

app.http('health', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'health',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ context }) => {
    const client = durableClientOf(context);
    const shards = await Promise.all(Array.from({ length: PENDING_SHARDS }, (_, n) => client.read<PendingState>(PENDING_ENTITY, `p${n}`)));
    // Nodes whose document a store refused, waiting for the retry timer (0 once the store is back).
    const pending = pendingSummary(shards, Date.now());
    const lag = await projectionLag();
    return { status: 200, jsonBody: { status: 'ok', app: 'hot', version: APP_VERSION, entities: ENTITY_MODE, projection: { ...(lag ?? {}), pending } } };
  }),
});
