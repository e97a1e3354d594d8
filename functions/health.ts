// GET /api/health: liveness of the hot app, how its entities run, and its projection lag
// (documents accepted but not yet searchable). The local host adds its queue depths under "host".
import { app } from '@azure/functions';
import { httpHandler } from './shared/http';
import { APP_VERSION } from '../core/version';
import { projectionLag } from './shared/projections';
import { ENTITY_MODE } from '../actors/batched';

app.http('health', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'health',
  handler: httpHandler(async () => {
    const projection = await projectionLag();
    return { status: 200, jsonBody: { status: 'ok', app: 'hot', version: APP_VERSION, entities: ENTITY_MODE, ...(projection ? { projection } : {}) } };
  }),
});
