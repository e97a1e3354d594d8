// GET /api/admin/deadletters?top=&continuation=&stage=&source=: rejected events with their
// reasons, oldest first, a page at a time (role mesh.admin). A filtered page may hold fewer than
// `top` letters: follow `continuation` until it is absent.
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { ADMIN_ROLE, requireRole } from '../../core/auth/roles';
import { UserError } from '../../core/errors';
import { callerOf } from './shared/request';

const MAX_PAGE = 1000;

app.http('coldAdminDeadLetters', {
  methods: ['GET'],
  route: 'admin/deadletters',
  handler: httpHandler(async ({ request }) => {
    requireRole(callerOf(request), ADMIN_ROLE);
    const topText = request.query.get('top') ?? '100';
    const top = Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE)
      throw new UserError(400, 'invalid-top', `top must be an integer from 1 to ${MAX_PAGE} (got "${topText}")`);
    // Loaded only here: the cold start path never needs them.
    const [{ filterOf, listDeadLetters }, { deadLetterStore }] = await Promise.all([
      import('../../adapters/deadletter/manage'),
      import('./shared/dead-letters'),
    ]);
    const filter = filterOf((name) => request.query.get(name) ?? undefined);
    const continuation = request.query.get('continuation') ?? undefined;
    const store = await deadLetterStore();
    const page = await listDeadLetters(store, { top, filter, ...(continuation ? { continuation } : {}) }).catch((err: unknown) => {
      // A token this API did not hand out does not decode (the reliability fuzzer sent some): the caller's mistake.
      if (continuation && err instanceof SyntaxError)
        throw new UserError(400, 'invalid-continuation', 'continuation must be a token from a previous page of this listing');
      throw err;
    });
    return { jsonBody: page };
  }),
});
