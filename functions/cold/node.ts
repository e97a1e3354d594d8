// GET /api/nodes/{type}/{id}?asOf=: the node as its actor holds it now, or as it was then
// (personal data masked without the role), with the neighbours of each relation.
import { app } from '@azure/functions';
import { httpHandler } from '../shared/http';
import { nodeWithEdges } from '../../core/cold/views';
import { callerOf, durableClientInput, nodeIdOf, nodeTypeOf, notFound, readNode, atTime, bucketReaderOf, visibilityReaderOf } from './shared/request';

app.http('coldNode', {
  methods: ['GET'],
  route: 'nodes/{type}/{id}',
  extraInputs: [durableClientInput],
  handler: httpHandler(async ({ request, context }) => {
    const node = nodeTypeOf(request.params.type);
    const id = nodeIdOf(request.params.id);
    const view = await nodeWithEdges(
      atTime(request)(await readNode(context, node.name, id)),
      node,
      callerOf(request),
      bucketReaderOf(context),
      visibilityReaderOf(context),
    );
    if (!view) throw notFound(node.name, id);
    return { jsonBody: view };
  }),
});
