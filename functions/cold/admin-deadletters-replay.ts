// POST /api/admin/deadletters/replay {"ids": [...]} or {"all": true, "stage"?, "source"?}: sends the
// rejected events again to the ingest endpoint, as `meshgraph deadletters replay` does (role
// mesh.admin). Each sent letter leaves the store; one rejected again is dead-lettered anew.
import { app } from '@azure/functions';
import { config } from '../../core/config';
import { httpHandler } from '../shared/http';
import { ADMIN_ROLE, requireRole } from '../../core/auth/roles';
import { UnavailableError, UserError } from '../../core/errors';
import { callerOf } from './shared/request';

interface ReplayBody {
  all?: unknown;
  ids?: unknown;
  stage?: unknown;
  source?: unknown;
}

app.http('coldAdminDeadLettersReplay', {
  methods: ['POST'],
  route: 'admin/deadletters/replay',
  handler: httpHandler(async ({ request, log }) => {
    requireRole(callerOf(request), ADMIN_ROLE);
    let body: ReplayBody;
    try {
      body = (await request.json()) as ReplayBody;
    } catch {
      throw new UserError(400, 'invalid-json', 'the body must be JSON: {"ids": ["..."]} or {"all": true}');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new UserError(400, 'invalid-body', 'the body must be an object: {"ids": ["..."]} or {"all": true}');
    const ids = body.ids;
    const all = body.all === true;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string') || ids.length === 0))
      throw new UserError(400, 'invalid-ids', 'ids must be a non-empty array of dead letter ids');
    if (all === (ids !== undefined))
      throw new UserError(
        400,
        'replay-choice-required',
        'name the dead letters to replay with "ids", or send "all": true (with "stage" and "source" to narrow it), not both',
      );
    const [{ filterOf, ingestEndpoint, IngestRefused, replayDeadLetters }, { deadLetterStore }] = await Promise.all([
      import('../../adapters/deadletter/manage'),
      import('./shared/dead-letters'),
    ]);
    const filter = filterOf((name) => {
      const v = body[name as keyof ReplayBody];
      if (v !== undefined && typeof v !== 'string') throw new UserError(400, `invalid-${name}`, `${name} must be a string`);
      return v;
    });
    // The hot app's ingest endpoint: HOT_API_BASE_URL in Azure; the local host serves both apps on one origin.
    const ingest = config().hotApiBaseUrl?.replace(/\/api$/, '') ?? new URL(request.url).origin;
    try {
      const result = await replayDeadLetters(await deadLetterStore(), all ? { all, filter } : { ids: ids as string[] }, ingestEndpoint(ingest));
      log.info('dead letters replayed', {
        replayed: result.replayed,
        accepted: result.accepted,
        rejected: result.rejected.length,
        skipped: result.skipped.length,
      });
      return { jsonBody: result };
    } catch (err) {
      if (err instanceof IngestRefused) throw new UnavailableError(`the ingest endpoint (${ingest}/api/events answered ${err.status})`, { cause: err });
      throw err;
    }
  }),
});
