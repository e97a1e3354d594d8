// What the GraphQL function does with a request (functions/graphql.ts registers it): GraphQL over
// HTTP against the engine built from the contracts, over the search index.
import type { HttpResponseInit } from '@azure/functions';
import { config } from '../../core/config';
import { principalFrom } from '../../core/auth/principal';
import { createContext } from '../../core/graphql/context';
import { handleGraphQLHttp } from '../../core/graphql/http';
import type { RequestScope } from './http';
import { graphqlService } from './graphql';
import { projectionStore } from './projections';

export async function graphqlRequest({ request, log, correlationId }: RequestScope): Promise<HttpResponseInit> {
  const { engine, persisted } = graphqlService();
  const principal = principalFrom(request.headers.get('x-ms-client-principal'));
  const store = await projectionStore();
  const { maxFirst, maxQueryBytes } = config().graphql;
  const out = await handleGraphQLHttp(
    { method: request.method, searchParams: request.query, header: (n) => request.headers.get(n), text: () => request.text() },
    {
      engine,
      persisted,
      maxBodyBytes: maxQueryBytes * 4,
      context: () => createContext(store, principal, { maxFirst, totalUpTo: 10_000 }),
      correlationId,
      logInternal: (err) => log.error('graphql resolver failed', { error: String(err), stack: (err as Error)?.stack }),
    },
  );
  return { status: out.status, headers: out.headers, body: out.body };
}
