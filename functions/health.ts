// GET /api/health: liveness of the hot app. The local host adds its queue depths under "host".
import { app } from '@azure/functions';
import { httpHandler } from './shared/http';
import { APP_VERSION } from '../core/version';

app.http('health', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'health',
  handler: httpHandler(async () => ({ status: 200, jsonBody: { status: 'ok', app: 'hot', version: APP_VERSION } })),
});
