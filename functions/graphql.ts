// GET and POST /api/graphql: the mesh's read API (GraphQL over HTTP), served from the search
// index. Browsers asking for HTML get the GraphiQL page (MESH_GRAPHIQL=off turns it off).
import { app } from '@azure/functions';
import { config } from '../core/config';
import { principalFrom } from '../core/auth/principal';
import { createContext } from '../core/graphql/context';
import { handleGraphQLHttp } from '../core/graphql/http';
import { httpHandler } from './shared/http';
import { graphqlService } from './shared/graphql';
import { graphiqlPage, wantsGraphiql } from './shared/graphiql';
import { projectionStore } from './shared/projections';

app.http('graphql', {
  methods: ['GET', 'POST'],
  route: 'graphql',
  authLevel: 'anonymous',
  handler: httpHandler(async ({ request, log, correlationId }) => {
    if (request.method === 'GET' && config().graphql.graphiql && wantsGraphiql(request.headers.get('accept'), request.query)) return graphiqlPage(new URL(request.url).pathname);
    const { engine, persisted } = graphqlService();
    const principal = principalFrom(request.headers.get('x-ms-client-principal'));
    const store = await projectionStore();
    const { maxFirst } = config().graphql;
    const out = await handleGraphQLHttp(
      { method: request.method, searchParams: request.query, header: (n) => request.headers.get(n), text: () => request.text() },
      {
        engine,
        persisted,
        maxBodyBytes: config().graphql.maxQueryBytes * 4,
        context: () => createContext(store, principal, { maxFirst, totalUpTo: 10_000 }),
        correlationId,
        logInternal: (err) => log.error('graphql resolver failed', { error: String(err), stack: (err as Error)?.stack }),
      },
    );
    return { status: out.status, headers: out.headers, body: out.body };
  }),
});
