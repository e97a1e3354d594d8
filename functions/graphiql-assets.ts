// GET /api/graphql/assets/{file}: the scripts and styles of the GraphiQL page, from the app's own
// files (a fixed list; MESH_GRAPHIQL=off turns them off with the page).
import { app } from '@azure/functions';
import { config } from '../core/config';
import { UserError } from '../core/errors';
import { httpHandler } from './shared/http';
import { graphiqlAsset } from './shared/graphiql-assets';

app.http('graphiqlAssets', {
  methods: ['GET'],
  route: 'graphql/assets/{file}',
  authLevel: 'anonymous',
  handler: httpHandler(async ({ request }) => {
    if (!config().graphql.graphiql) throw new UserError(404, 'not-found', 'GraphiQL is turned off (MESH_GRAPHIQL=off)');
    return graphiqlAsset(request.params['file'] ?? '', (name) => request.headers.get(name), request.query.get('v'));
  }),
});
