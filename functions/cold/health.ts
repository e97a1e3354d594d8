// GET /api/cold/health: liveness of the cold app (its own route, so one local host can serve both apps).
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { APP_VERSION } from '../../core/version';

app.http('coldHealth', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'cold/health',
  handler: httpHandler(async () => ({ status: 200, jsonBody: { status: 'ok', app: 'cold', version: APP_VERSION } })),
});
