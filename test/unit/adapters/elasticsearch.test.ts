// The Elasticsearch store on the client's own mock connection: the request bodies it sends
// (typed with the client's types) and every failure mode of a bulk.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, errors } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { ElasticsearchProjectionStore } from '../../../adapters/search/elasticsearch';
import { backoffDelay } from '../../../adapters/search/elasticsearch-bulk';
import { MAX_DOC_BYTES } from '../../../core/projection/document';
import { person, personSpec, tombstone } from '../../conformance/fixtures';
import { UnknownIndexError } from '../../../core/projection/port';
import { UnavailableError } from '../../../core/errors';

const spec = personSpec('Person');
const ALIAS = 'meshgraph-person';
let mock: Mock;
let store: ElasticsearchProjectionStore;
let sleeps: number[];

function responseError(statusCode: number, type: string, reason = type) {
  return new errors.ResponseError({ body: { error: { type, reason }, status: statusCode }, statusCode, headers: {}, warnings: null, meta: {} as never });
}
type Ndjson = Array<Record<string, unknown>>;
/** Answers each bulk request with the statuses `answer` gives per item; records the bodies. */
function onBulk(answer: (action: Record<string, { _id: string }>, call: number) => number | errors.ResponseError | Record<string, unknown>): Ndjson[] {
  const bodies: Ndjson[] = [];
  mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
    const lines = params.body as unknown as Ndjson;
    bodies.push(lines);
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = lines[i] as Record<string, { _id: string }>;
      const out = answer(action, bodies.length);
      if (out instanceof errors.ResponseError) return out;
      const status = typeof out === 'number' ? out : 400;
      const error =
        typeof out === 'number'
          ? status >= 300
            ? { type: status === 409 ? 'version_conflict_engine_exception' : 'es_rejected_execution_exception', reason: `status ${status}` }
            : undefined
          : out;
      items.push({ index: { _index: 'meshgraph-person_v1', _id: action['index']!._id, status, ...(error ? { error } : {}) } });
    }
    return { took: 1, errors: items.some((i) => i.index.status >= 300), items };
  });
  return bodies;
}

beforeEach(() => {
  mock = new Mock();
  sleeps = [];
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection(), maxRetries: 0 });
  store = new ElasticsearchProjectionStore({ client, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }, sleep: async (ms) => void sleeps.push(ms) });
  mock.add({ method: 'GET', path: `/${ALIAS}/_mapping` }, () => ({ 'meshgraph-person_v1': { mappings: { _meta: { spec } } } }));
});

describe('elasticsearch store: indexes', () => {
  it('creates <alias>_v<N> with strict mappings from the spec, objects for neighbour paths', async () => {
    let sent: estypes.IndicesCreateRequest | undefined;
    mock.add({ method: 'PUT', path: '/meshgraph-person_v2' }, (params) => {
      sent = params.body as estypes.IndicesCreateRequest;
      return { acknowledged: true, index: 'meshgraph-person_v2' };
    });
    assert.deepEqual(await store.createIndex(personSpec('Person', 2)), { index: 'meshgraph-person_v2' });
    assert.equal(sent?.mappings?.dynamic, 'strict');
    const props = sent?.mappings?.properties ?? {};
    assert.deepEqual(props['name'], { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } });
    assert.deepEqual(props['joinedAt'], { type: 'date', format: 'strict_date_optional_time' });
    assert.deepEqual(props['accounts'], {
      type: 'object',
      properties: { id: { type: 'keyword', ignore_above: 8191 }, status: { type: 'keyword', ignore_above: 8191 }, balance: { type: 'double' } },
    });
    assert.deepEqual((sent?.mappings?._meta as { spec: unknown }).spec, personSpec('Person', 2));
  });

  it('treats an index that already exists as created', async () => {
    mock.add({ method: 'PUT', path: '/meshgraph-person_v1' }, () => responseError(400, 'resource_already_exists_exception'));
    assert.deepEqual(await store.createIndex(spec), { index: 'meshgraph-person_v1' });
  });

  it('lists the versions of a type from its index pattern, oldest first, the aliased one marked', async () => {
    let asked = '';
    mock.add({ method: 'GET', path: '/:index/_alias' }, (params) => {
      asked = decodeURIComponent(String(params.path));
      return {
        'meshgraph-person_v12': { aliases: {} },
        'meshgraph-person_v3': { aliases: { [ALIAS]: {} } },
        'meshgraph-person_vx': { aliases: {} },
      };
    });
    assert.deepEqual(await store.indexes('Person'), [
      { index: 'meshgraph-person_v3', version: 3, aliased: true },
      { index: 'meshgraph-person_v12', version: 12, aliased: false },
    ]);
    assert.equal(asked, `/${ALIAS}_v*/_alias`);
  });

  it('lists no versions when nothing matches the pattern (404)', async () => {
    mock.add({ method: 'GET', path: '/:index/_alias' }, () => responseError(404, 'index_not_found_exception'));
    assert.deepEqual(await store.indexes('Person'), []);
  });

  it('swaps the alias in one request: remove from the old index, add to the new', async () => {
    mock.add({ method: 'GET', path: `/_alias/${ALIAS}` }, () => ({ 'meshgraph-person_v1': { aliases: { [ALIAS]: {} } } }));
    let actions: unknown;
    mock.add({ method: 'POST', path: '/_aliases' }, (params) => {
      actions = (params.body as estypes.IndicesUpdateAliasesRequest).actions;
      return { acknowledged: true };
    });
    await store.swapAlias('Person', 'meshgraph-person_v2');
    assert.deepEqual(actions, [{ remove: { index: 'meshgraph-person_v1', alias: ALIAS } }, { add: { index: 'meshgraph-person_v2', alias: ALIAS } }]);
  });

  it('answers a read of a type without an index with UnknownIndexError naming the type', async () => {
    mock.add({ method: 'GET', path: '/meshgraph-nothing/_mapping' }, () => responseError(404, 'index_not_found_exception'));
    await assert.rejects(store.search('Nothing', { first: 1 }), (e: unknown) => e instanceof UnknownIndexError && e.target === 'Nothing');
  });
});

describe('elasticsearch store: failures, by whose fault', () => {
  it('the cluster overloaded or failing (429, 5xx) or unreachable is a dependency failure (UnavailableError)', async () => {
    mock.add({ method: 'POST', path: `/${ALIAS}/_search` }, () => responseError(503, 'unavailable_shards_exception'));
    await assert.rejects(store.search('Person', { first: 1 }), (e: unknown) => e instanceof UnavailableError && /Elasticsearch/.test(e.message));
    mock.add({ method: 'POST', path: `/${ALIAS}/_count` }, () => responseError(429, 'es_rejected_execution_exception'));
    await assert.rejects(store.count('Person'), (e: unknown) => e instanceof UnavailableError);
    mock.add({ method: 'POST', path: `/${ALIAS}/_mget` }, () => new errors.ConnectionError('connect ECONNREFUSED'));
    await assert.rejects(store.get('Person', 'Person:a'), (e: unknown) => e instanceof UnavailableError);
  });

  it('a request the cluster refuses as malformed stays an internal error (not blamed on the cluster)', async () => {
    mock.add({ method: 'POST', path: `/${ALIAS}/_search` }, () => responseError(400, 'parsing_exception'));
    await assert.rejects(store.search('Person', { first: 1 }), (e: unknown) => e instanceof errors.ResponseError && !(e instanceof UnavailableError));
  });
});

describe('elasticsearch store: bulk', () => {
  it('sends external versions through the alias, tombstones as flagged documents', async () => {
    const bodies = onBulk(() => 201);
    const result = await store.bulk([person('Person', 'a', 7, { name: 'Ann' }), tombstone('Person', 'b', 3)]);
    assert.deepEqual(result, { written: 2, stale: 0, failed: [] });
    assert.deepEqual(bodies[0], [
      { index: { _index: ALIAS, _id: 'Person:a', version: 7, version_type: 'external', require_alias: true } },
      { id: 'a', name: 'Ann', mesh_id: 'Person:a', mesh_deleted: false },
      { index: { _index: ALIAS, _id: 'Person:b', version: 3, version_type: 'external', require_alias: true } },
      { mesh_id: 'Person:b', mesh_deleted: true },
    ]);
  });

  it('counts a 409 version conflict as stale, never as a failure', async () => {
    onBulk(() => 409);
    assert.deepEqual(await store.bulk([person('Person', 'a', 1)]), { written: 0, stale: 1, failed: [] });
  });

  it('fails a 400 mapping error without retry, with the reason; the rest is written', async () => {
    const bodies = onBulk((action) =>
      action['index']!._id === 'Person:bad'
        ? { type: 'mapper_parsing_exception', reason: "failed to parse field [age] of type [long] in document with id 'Person:bad'" }
        : 201,
    );
    const result = await store.bulk([person('Person', 'ok', 1), { ...person('Person', 'bad', 1), body: { age: 'old' } }]);
    assert.equal(result.written, 1);
    assert.deepEqual(result.failed, [
      { id: 'Person:bad', retryable: false, reason: "mapper_parsing_exception: failed to parse field [age] of type [long] in document with id 'Person:bad'" },
    ]);
    assert.equal(bodies.length, 1);
  });

  it('retries only the 429 and 5xx items, after a jittered backoff', async () => {
    const bodies = onBulk((action, call) =>
      call === 1 && action['index']!._id === 'Person:busy' ? 429 : call === 1 && action['index']!._id === 'Person:down' ? 503 : 201,
    );
    const result = await store.bulk([person('Person', 'ok', 1), person('Person', 'busy', 1), person('Person', 'down', 1)]);
    assert.deepEqual(result, { written: 3, stale: 0, failed: [] });
    assert.equal(bodies.length, 2);
    assert.deepEqual(
      bodies[1]!.filter((_, i) => i % 2 === 0).map((a) => (a['index'] as { _id: string })._id),
      ['Person:busy', 'Person:down'],
    );
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! >= 0 && sleeps[0]! < 100);
  });

  it('gives up after the last attempt and reports the document as retryable', async () => {
    const bodies = onBulk(() => 429);
    const result = await store.bulk([person('Person', 'a', 1)]);
    assert.equal(bodies.length, 3);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]?.retryable, true);
    assert.match(result.failed[0]!.reason, /es_rejected_execution_exception.*after 3 attempts/);
  });

  it('retries a whole request refused with 503, fails one refused with 401 without retry', async () => {
    const unavailable = onBulk((_, call) => (call === 1 ? responseError(503, 'unavailable_shards_exception') : 201));
    assert.deepEqual(await store.bulk([person('Person', 'a', 1)]), { written: 1, stale: 0, failed: [] });
    assert.equal(unavailable.length, 2);
    mock.clearAll();
    const unauthorized = onBulk(() => responseError(401, 'security_exception', 'missing authentication credentials'));
    const result = await store.bulk([person('Person', 'a', 1)]);
    assert.equal(unauthorized.length, 1);
    assert.equal(result.failed[0]?.retryable, false);
    assert.match(result.failed[0]!.reason, /security_exception|401/);
  });

  it('never sends a document above the size limit', async () => {
    const bodies = onBulk(() => 201);
    const result = await store.bulk([person('Person', 'big', 1, { bio: 'x'.repeat(MAX_DOC_BYTES) }), person('Person', 'a', 1)]);
    assert.equal(result.written, 1);
    assert.equal(result.failed[0]?.id, 'Person:big');
    assert.equal(bodies[0]!.length, 2);
  });

  it('refuses to write to a named index that does not exist (it would be auto-created)', async () => {
    mock.add({ method: 'HEAD', path: '/meshgraph-person_v9' }, () => responseError(404, 'index_not_found_exception'));
    const result = await store.bulk([person('Person', 'a', 1)], { index: 'meshgraph-person_v9' });
    assert.deepEqual(result.failed, [{ id: 'Person:a', retryable: false, reason: 'no search index meshgraph-person_v9' }]);
  });

  it('bounds the backoff with full jitter', () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      backoffDelay(policy, 3, () => 0.999),
      799,
    );
    assert.equal(
      backoffDelay(policy, 10, () => 0.5),
      500,
    );
    assert.equal(
      backoffDelay(policy, 0, () => 0),
      0,
    );
  });
});

describe('elasticsearch store: queries', () => {
  it('sends text, filter, sort, cursor and total cap as the expected query DSL', async () => {
    let sent: estypes.SearchRequest | undefined;
    mock.add({ method: 'POST', path: `/${ALIAS}/_search` }, (params) => {
      sent = params.body as estypes.SearchRequest;
      return {
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, failed: 0 },
        hits: {
          total: { value: 1000, relation: 'gte' },
          hits: [
            {
              _index: 'meshgraph-person_v1',
              _id: 'Person:a',
              _version: 4,
              _score: null,
              _source: { id: 'a', name: 'Ann', mesh_id: 'Person:a', mesh_deleted: false },
              sort: [30, 'Person:a'],
            },
            {
              _index: 'meshgraph-person_v1',
              _id: 'Person:b',
              _version: 1,
              _score: null,
              _source: { id: 'b', mesh_id: 'Person:b', mesh_deleted: false },
              sort: [31, 'Person:b'],
            },
          ],
        },
      };
    });
    const page = await store.search('Person', {
      text: 'ann (smith',
      filter: { and: [{ field: 'accounts.status', op: 'in', value: ['active'] }, { not: { field: 'name', op: 'prefix', value: 'X' } }] },
      sort: [{ field: 'age', order: 'asc' }],
      first: 1,
      totalUpTo: 1000,
    });
    const expected: estypes.SearchRequest = {
      query: {
        bool: {
          filter: [
            { term: { mesh_deleted: false } },
            { bool: { filter: [{ terms: { 'accounts.status': ['active'] } }, { bool: { must_not: [{ prefix: { 'name.keyword': 'X' } }] } }] } },
          ],
          must: [{ multi_match: { query: 'ann (smith', fields: ['name', 'bio', 'manager.name'], type: 'cross_fields', operator: 'and' } }],
        },
      },
      sort: [{ age: { order: 'asc', missing: '_last' } }, { mesh_id: { order: 'asc' } }],
      size: 2,
      version: true,
      track_total_hits: 1000,
    };
    assert.deepEqual(sent, expected);
    assert.deepEqual(
      page.hits.map((h) => h.doc),
      [{ id: 'Person:a', type: 'Person', version: 4, body: { id: 'a', name: 'Ann' } }],
    );
    assert.deepEqual(page.total, { value: 1000, relation: 'gte' });
    assert.equal(page.hasNextPage, true);

    await store.search('Person', { text: 'ann', first: 1, after: page.endCursor! });
    assert.deepEqual(sent?.sort, [{ _score: { order: 'desc' } }, { mesh_id: { order: 'asc' } }]);
    assert.deepEqual(sent?.search_after, [30, 'Person:a']);
  });

  it('asks for terms aggregations per facet and decodes booleans and dates', async () => {
    let sent: estypes.SearchRequest | undefined;
    mock.add({ method: 'POST', path: `/${ALIAS}/_search` }, (params) => {
      sent = params.body as estypes.SearchRequest;
      return {
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, failed: 0 },
        hits: { hits: [] },
        aggregations: {
          f0: {
            buckets: [
              { key: 'b', doc_count: 2 },
              { key: 'a', doc_count: 1 },
            ],
          },
          f1: {
            buckets: [
              { key: 0, key_as_string: 'false', doc_count: 2 },
              { key: 1, key_as_string: 'true', doc_count: 1 },
            ],
          },
        },
      };
    });
    const facets = await store.facets('Person', ['tags', 'vip'], { filter: { field: 'city', op: 'eq', value: 'Oslo' } }, 5);
    assert.deepEqual(sent?.aggregations, {
      f0: { terms: { field: 'tags', size: 5, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
      f1: { terms: { field: 'vip', size: 5, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
    });
    assert.equal(sent?.size, 0);
    assert.deepEqual(facets, {
      tags: [
        { value: 'b', count: 2 },
        { value: 'a', count: 1 },
      ],
      vip: [
        { value: false, count: 2 },
        { value: true, count: 1 },
      ],
    });
  });

  it('asks whether a text field exists on the text field, not its length-capped keyword', async () => {
    let sent: estypes.CountRequest | undefined;
    mock.add({ method: 'POST', path: `/${ALIAS}/_count` }, (params) => {
      sent = params.body as estypes.CountRequest;
      return { count: 3, _shards: { total: 1, successful: 1, failed: 0 } };
    });
    assert.equal(await store.count('Person', { filter: { field: 'bio', op: 'exists', value: false } }), 3);
    assert.deepEqual(sent?.query, { bool: { filter: [{ term: { mesh_deleted: false } }, { bool: { must_not: [{ exists: { field: 'bio' } }] } }] } });
  });

  it('refuses an unknown filter field before asking the cluster', async () => {
    await assert.rejects(
      store.count('Person', { filter: { field: 'nickname', op: 'eq', value: 'x' } }),
      (e: unknown) => (e as { status?: number }).status === 400,
    );
  });

  it('mget hides tombstones and keeps the order asked', async () => {
    mock.add({ method: 'POST', path: `/${ALIAS}/_mget` }, () => ({
      docs: [
        { _index: 'meshgraph-person_v1', _id: 'Person:b', found: true, _version: 2, _source: { id: 'b', mesh_id: 'Person:b', mesh_deleted: false } },
        { _index: 'meshgraph-person_v1', _id: 'Person:x', found: false },
        { _index: 'meshgraph-person_v1', _id: 'Person:t', found: true, _version: 5, _source: { mesh_id: 'Person:t', mesh_deleted: true } },
      ],
    }));
    const docs = await store.mget('Person', ['Person:b', 'Person:x', 'Person:t']);
    assert.deepEqual(docs, [{ id: 'Person:b', type: 'Person', version: 2, body: { id: 'b' } }, undefined, undefined]);
  });
});
