// GET and POST /api/graphql: the mesh's read API (GraphQL over HTTP), served from the search
// index (functions/shared/graphql-request.ts, loaded on the first query: graphql and its compiled
// executor are most of the app's code). Browsers asking for HTML get the GraphiQL page
// (MESH_GRAPHIQL=off turns it off).
import { app } from '@azure/functions';
import { config } from '../core/config';
import { httpHandler } from './shared/http';
import { graphiqlPage, wantsGraphiql } from './shared/graphiql';

/** The request handling, loaded once, on the first query (an import() per request looks the module up every time). */
let implementation: Promise<typeof import('./shared/graphql-request')> | undefined;

app.http('graphql', {
  methods: ['GET', 'POST'],
  route: 'graphql',
  authLevel: 'anonymous',
  handler: httpHandler(async (scope) => {
    const { request } = scope;
    if (request.method === 'GET' && config().graphql.graphiql && wantsGraphiql(request.headers.get('accept'), request.query))
      return graphiqlPage(new URL(request.url).pathname);
    return (await (implementation ??= import('./shared/graphql-request'))).graphqlRequest(scope);
  }),
});
