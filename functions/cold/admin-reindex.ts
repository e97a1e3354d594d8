// POST /api/admin/reindex[?type=T]: rebuilds the search index of one or every node type from the
// actors' state while ingestion goes on, then swaps the alias (role mesh.admin).
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { ADMIN_ROLE, requireRole } from '../../core/auth/roles';
import type { NodeState } from '../../core/graph/node-state';
import type { ListedState } from '../../core/graph/reindex';
import { callerOf, durableClientInput, nodeTypeOf, readerOf } from './shared/request';
import { NODE_ENTITY } from '../../actors/messages/node';
import { contractModel } from '../shared/model-module';

app.http('coldAdminReindex', {
  methods: ['POST'],
  route: 'admin/reindex',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ request, context, log }) => {
    requireRole(callerOf(request), ADMIN_ROLE);
    const model = contractModel();
    const only = request.query.get('type');
    const types = only ? [nodeTypeOf(only)] : Object.values(model.types);
    // Loaded only here: the admin path is the one that needs the index.
    const [{ reindex }, { openProjectionStore }] = await Promise.all([import('../../core/graph/reindex'), import('../shared/search-store')]);
    const store = await openProjectionStore(model);
    const reader = readerOf(context);
    const wanted = new Set(types.map((t) => t.name));
    const pages = async function* (): AsyncIterable<ListedState[]> {
      let continuation: string | undefined;
      do {
        const page = await reader.list<NodeState>(NODE_ENTITY, 1000, continuation);
        yield page.entities
          .filter((e) => e.state && wanted.has(e.state.type))
          .map((e) => ({ state: e.state!, lastOperationTime: Date.parse(e.lastOperationTime) }));
        continuation = page.continuation;
      } while (continuation);
    };
    const results = await reindex(store, types, { pages }, { onProgress: (copied) => copied % 20_000 < 1000 && log.info('reindex progress', { copied }) });
    log.info('reindexed', { results });
    return { jsonBody: { reindexed: results } };
  }),
});
