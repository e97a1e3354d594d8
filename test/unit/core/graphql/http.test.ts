// GraphQL over HTTP: status codes and media types as the spec asks, limits and persisted queries,
// and masking of unexpected errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createContext } from '../../../../core/graphql/context';
import { handleGraphQLHttp, type HttpInput } from '../../../../core/graphql/http';
import { DEFAULT_LIMITS } from '../../../../core/graphql/limits';
import { PersistedQueries, sha256, type PersistedMode, type QueryRegistry } from '../../../../core/graphql/persisted';
import { ANONYMOUS } from '../../../../core/auth/principal';
import type { ProjectionStore } from '../../../../core/projection/port';
import { openBed, type Bed } from './fixture';

function post(body: unknown, headers: Record<string, string> = {}): HttpInput {
  const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
  return {
    method: 'POST',
    searchParams: new URLSearchParams(),
    header: (n) => h[n.toLowerCase()] ?? null,
    text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
  };
}
function get(params: Record<string, string>, headers: Record<string, string> = {}): HttpInput {
  return { method: 'GET', searchParams: new URLSearchParams(params), header: (n) => headers[n.toLowerCase()] ?? null, text: async () => '' };
}
const GQL = { accept: 'application/graphql-response+json' };

class MemoryRegistry implements QueryRegistry {
  readonly rows = new Map<string, string>();
  async lookup(hash: string) {
    return this.rows.get(hash);
  }
  async register(ops: Array<{ hash: string; query: string }>) {
    for (const op of ops) this.rows.set(op.hash, op.query);
  }
}

describe('GraphQL over HTTP', () => {
  let bed: Bed;
  const logged: unknown[] = [];
  before(async () => {
    bed = await openBed('jit', 5, { maxDepth: 4, maxAliases: 2, maxQueryBytes: 400 });
  });
  after(() => bed.close());

  const call = async (input: HttpInput, mode: PersistedMode = 'apq', registry: QueryRegistry = new MemoryRegistry(), store?: ProjectionStore) => {
    const out = await handleGraphQLHttp(input, {
      engine: bed.engine,
      persisted: new PersistedQueries(mode, registry),
      maxBodyBytes: 2000,
      context: () => createContext(store ?? bed.store, ANONYMOUS, { maxFirst: 100, totalUpTo: 1000 }),
      correlationId: 'corr-1',
      logInternal: (e) => logged.push(e),
    });
    return { ...out, json: JSON.parse(out.body) };
  };

  it('answers GET and POST with the media type the client accepts', async () => {
    const byPost = await call(post({ query: '{ customer(id: "c1") { key } }' }, GQL));
    assert.equal(byPost.status, 200);
    assert.equal(byPost.headers['content-type'], 'application/graphql-response+json; charset=utf-8');
    assert.deepEqual(byPost.json, { data: { customer: { key: 'c1' } } });
    const byGet = await call(get({ query: 'query($id: ID!) { customer(id: $id) { key } }', variables: '{"id":"c2"}' }));
    assert.equal(byGet.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(byGet.json, { data: { customer: { key: 'c2' } } });
  });

  it('refuses what is not a GraphQL request with 4xx and a reason', async () => {
    assert.equal((await call(post('{"query": "{ __typename }"}', { 'content-type': 'text/plain' }))).status, 415);
    assert.equal((await call(post('{not json', GQL))).status, 400);
    assert.equal((await call(post([1, 2], GQL))).status, 400);
    assert.equal((await call(post({ query: 42 }, GQL))).json.errors[0].message, 'query must be a string');
    assert.equal((await call(post({ query: '{ __typename }', variables: [] }, GQL))).status, 400);
    assert.equal((await call(post({}, GQL))).json.errors[0].message, 'the request has no query');
    assert.equal((await call(post({ query: '{ __typename }' }, { accept: 'text/csv' }))).status, 406);
    assert.equal((await call({ ...get({}), method: 'PUT' })).status, 405);
    assert.equal((await call(post('x'.repeat(3000), GQL))).status, 413);
  });

  it('uses 400 for parse and validation errors with the GraphQL media type, 200 for legacy JSON clients', async () => {
    const parseError = await call(post({ query: '{ customer(' }, GQL));
    assert.equal(parseError.status, 400);
    assert.equal(parseError.json.data, undefined);
    assert.equal((await call(post({ query: '{ customer(' }))).status, 200);
    const invalid = await call(post({ query: '{ nope }' }, GQL));
    assert.equal(invalid.status, 400);
    assert.match(invalid.json.errors[0].message, /Cannot query field "nope"/);
    const badVariables = await call(post({ query: 'query($id: ID!) { customer(id: $id) { key } }', variables: {} }, GQL));
    assert.equal(badVariables.status, 400);
  });

  it('refuses mutations: 405 over GET, 400 over POST', async () => {
    assert.equal((await call(get({ query: 'mutation { __typename }' }, GQL))).status, 405);
    const byPost = await call(post({ query: 'mutation { __typename }' }, GQL));
    assert.equal(byPost.status, 400);
    assert.match(byPost.json.errors[0].message, /read-only/);
  });

  it('answers 400 naming the limit for depth, aliases, size and cost, whatever the media type', async () => {
    const deep = await call(post({ query: '{ customer(id: "c1") { accounts { owner { accounts { owner { id } } } } } }' }));
    assert.equal(deep.status, 400);
    assert.deepEqual({ ...deep.json.errors[0].extensions }, { code: 'QUERY_LIMIT', limit: 'depth', max: 4, actual: 6 });
    const aliases = await call(post({ query: '{ a: customer(id: "c1") { id } b: customer(id: "c2") { id } c: customer(id: "c3") { key } }' }));
    assert.equal(aliases.json.errors[0].extensions.limit, 'aliases');
    const big = await call(post({ query: `{ customer(id: "${'x'.repeat(500)}") { id } }` }));
    assert.equal(big.json.errors[0].extensions.limit, 'queryBytes');
    const ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const costly = await call(post({ query: 'query($ids: [ID!]!) { customers(ids: $ids) { accounts { lines { id status } } } }', variables: { ids } }));
    assert.equal(costly.status, 400);
    assert.equal(costly.json.errors[0].extensions.limit, 'cost');
    assert.match(costly.json.errors[0].message, /costs 82101, over the limit of 20000 \(cost\)/);
  });

  it('runs automatic persisted queries: not found, then registered by the full query, then by hash', async () => {
    const registry = new MemoryRegistry();
    const query = '{ customer(id: "c3") { key } }';
    const persisted = new PersistedQueries('apq', registry);
    const deps = {
      engine: bed.engine,
      persisted,
      maxBodyBytes: 2000,
      context: () => createContext(bed.store, ANONYMOUS, { maxFirst: 100, totalUpTo: 1000 }),
      correlationId: 'c',
      logInternal: () => {},
    };
    const ext = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const first = JSON.parse((await handleGraphQLHttp(post({ extensions: ext }), deps)).body);
    assert.equal(first.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
    assert.equal(first.errors[0].message, 'PersistedQueryNotFound');
    const mismatch = await handleGraphQLHttp(post({ query: '{ __typename }', extensions: ext }), deps);
    assert.equal(mismatch.status, 400);
    assert.deepEqual(JSON.parse((await handleGraphQLHttp(post({ query, extensions: ext }), deps)).body), { data: { customer: { key: 'c3' } } });
    assert.deepEqual(JSON.parse((await handleGraphQLHttp(get({ extensions: JSON.stringify(ext) }), deps)).body), { data: { customer: { key: 'c3' } } });
  });

  it('runs only registered operations in safelist mode, by hash or by exact text', async () => {
    const registry = new MemoryRegistry();
    const allowed = 'query Allowed { customer(id: "c1") { key } }';
    await registry.register([{ hash: sha256(allowed), query: allowed }]);
    const other = await call(post({ query: '{ customer(id: "c1") { key } }' }, GQL), 'safelist', registry);
    assert.equal(other.status, 400);
    assert.equal(other.json.errors[0].extensions.code, 'OPERATION_NOT_IN_SAFELIST');
    assert.deepEqual((await call(post({ query: allowed }, GQL), 'safelist', registry)).json, { data: { customer: { key: 'c1' } } });
    const byHash = await call(post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(allowed) } } }, GQL), 'safelist', registry);
    assert.deepEqual(byHash.json, { data: { customer: { key: 'c1' } } });
  });

  it('masks unexpected errors with the correlation id and logs them in full', async () => {
    const failing = {
      ...bed.store,
      mget: async () => {
        throw new Error('disk on fire at /secret/path');
      },
    } as unknown as ProjectionStore;
    logged.length = 0;
    const out = await call(post({ query: '{ customer(id: "c1") { key } }' }, GQL), 'apq', new MemoryRegistry(), failing);
    assert.equal(out.status, 200);
    assert.deepEqual(out.json.data, { customer: null });
    assert.equal(out.json.errors[0].message, 'internal error (correlation id corr-1)');
    assert.equal(out.json.errors[0].extensions.code, 'INTERNAL_SERVER_ERROR');
    assert.doesNotMatch(out.body, /secret/);
    assert.match(String(logged[0]), /disk on fire/);
  });
});

describe('GraphQL limit defaults', () => {
  it('are the ones docs/graphql.md and docs/settings.md document', () => {
    assert.deepEqual(DEFAULT_LIMITS, { maxDepth: 12, maxAliases: 30, maxCost: 20_000, maxFirst: 100, relationListCost: 20 });
  });
});

describe('GraphQL limits and introspection', () => {
  it('lets the standard introspection query through the depth limit (ofType does not count), but not deep user nesting', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const bed = await openBed('jit', 1, { maxDepth: 12 });
    try {
      const schema = await bed.run(getIntrospectionQuery({ inputValueDeprecation: true }));
      assert.equal(schema.errors, undefined);
      assert.ok(schema.data.__schema.types.some((t: any) => t.name === 'Customer'));
      const deep = await bed.run(
        '{ customer(id: "c1") { accounts { owner { accounts { owner { accounts { owner { accounts { owner { accounts { owner { accounts { id } } } } } } } } } } } } }',
      );
      assert.equal(deep.errors[0].extensions.limit, 'depth');
    } finally {
      await bed.close();
    }
  });
});
