// GET /api/nodes/{type}/{id}/history?from&to: the field changes the actor keeps, newest first.
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { historyView } from '../../core/cold/views';
import { callerOf, durableClientInput, nodeIdOf, nodeTypeOf, notFound, readNode, timeParam } from './shared/request';

app.http('coldHistory', {
  methods: ['GET'],
  route: 'nodes/{type}/{id}/history',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ request, context }) => {
    const node = nodeTypeOf(request.params.type);
    const id = nodeIdOf(request.params.id);
    const from = timeParam(request, 'from');
    const to = timeParam(request, 'to');
    const state = await readNode(context, node.name, id);
    if (!state) throw notFound(node.name, id);
    return { jsonBody: historyView(state, node, callerOf(request), from, to) };
  }),
});
