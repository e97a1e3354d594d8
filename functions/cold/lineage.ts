// GET /api/nodes/{type}/{id}/lineage: for every current value, the source, event, sequence and time that set it.
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { lineageView } from '../../core/cold/views';
import { bucketReaderOf, callerOf, durableClientInput, nodeIdOf, nodeTypeOf, notFound, readNode } from './shared/request';

app.http('coldLineage', {
  methods: ['GET'],
  route: 'nodes/{type}/{id}/lineage',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ request, context }) => {
    const node = nodeTypeOf(request.params.type);
    const id = nodeIdOf(request.params.id);
    const state = await readNode(context, node.name, id);
    if (!state) throw notFound(node.name, id);
    return { jsonBody: await lineageView(state, node, callerOf(request), bucketReaderOf(context)) };
  }),
});
