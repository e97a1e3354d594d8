// Bad input: hostile bodies, content types, values and strings sent to POST /api/events,
// /api/graphql and the cold endpoints of one local host (hot + cold on a private Azurite). Every
// answer must be a 2xx or a 4xx with a reason (problem+json, or GraphQL errors) — never a 5xx or
// a masked internal error; the host stays healthy; and nothing the contracts forbid is stored
// (forbidden events never show up, every stored node conforms to its contract).
// Inputs come from a hand-written hostile list plus fast-check (RELIABILITY_SEED replays a run);
// FUZZ_TRACE=FILE prints every answer and appends the inputs answered 5xx to FILE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { principalHeader } from '../../core/auth/principal';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { startHost, type RunningHost } from '../../host/main';
import { startTestAzurite, type TestAzurite } from '../../host/harness/azurite';
import { COLD_APP, GRAPH_CONTRACTS, HOT_APP } from '../helpers/mesh-host';
import { model } from './graph';
import { HOSTILE_STRINGS, Tally, anyValue, answerOf, hostileString, nestedJson, pathSegment, type Answer } from './fuzz-inputs';
import { full } from './profile';

const RUNS = full ? 4000 : 250;
const seed = process.env.RELIABILITY_SEED ? { seed: Number(process.env.RELIABILITY_SEED) } : {};
const ADMIN = principalHeader(['mesh.admin', 'pii.read']);
const CONTENT_TYPES = [
  'application/cloudevents-batch+json',
  'application/cloudevents+json',
  'application/x-ndjson',
  'application/json',
  'APPLICATION/JSON; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  '',
  'application/cloudevents-batch+json;;;',
  '*/*',
];
const TYPES = Object.keys(model.types);
const ANSWER_TIMEOUT_MS = 20_000;

let n = 0;
const uid = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

function event(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: uid('fz'),
    source: 'hr',
    type: 'meshgraph.node.upsert',
    subject: `Person/${uid('fz-ok')}`,
    sequence: 1,
    data: { name: 'Fuzz', level: 3 },
    ...over,
  };
}

describe(`reliability: bad input (${full ? 'full' : 'short'} profile)`, () => {
  let azurite: TestAzurite;
  let host: RunningHost;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-fuzz-'));
  /** Errors the host logged: a request that failed inside is logged here with its stack. */
  const errors: string[] = [];
  before(async () => {
    azurite = await startTestAzurite();
    Object.assign(process.env, {
      AzureWebJobsStorage: azurite.connectionString,
      MESH_CONTRACTS: GRAPH_CONTRACTS,
      MESH_DATA_DIR: dataDir,
      EventHubConnection: '',
    });
    host = await startHost({
      apps: [
        { name: 'hot', entry: HOT_APP },
        { name: 'cold', entry: COLD_APP },
      ],
      port: 0,
      store: 'azurite',
      log: (e) => {
        if (e.level !== 'error' && e.level !== 'critical') return;
        errors.push(`${e.fn}: ${e.message}`.slice(0, 2000));
        if (process.env.FUZZ_TRACE) console.log(`host error: ${e.fn}: ${e.message.slice(0, 1000)}`);
      },
    });
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const url = () => host.url;
  const tallies = { events: new Tally(), graphql: new Tally(), cold: new Tally() };
  /** Subjects (`Type/id`) of events that must have been refused: they may never show up. */
  const forbidden: string[] = [];

  async function send(tally: Tally, kind: 'rest' | 'graphql', path: string, init: RequestInit = {}, label?: string) {
    const input = label ?? `${init.method ?? 'GET'} ${path} ${typeof init.body === 'string' ? init.body : ''}`;
    let answer: Answer;
    try {
      answer = await answerOf(await fetch(`${url()}${path}`, { ...init, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }));
    } catch (err) {
      // No answer at all (a hang, a reset connection) is as bad as a 5xx.
      answer = { status: 599, contentType: '', text: `no answer: ${(err as Error).message}`, body: undefined };
    }
    tally.record(input, answer, kind);
    if (process.env.FUZZ_TRACE) console.log(`${answer.status} ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB ${input.slice(0, 160)}`);
    if (process.env.FUZZ_TRACE && answer.status >= 500)
      fs.appendFileSync(process.env.FUZZ_TRACE, `${JSON.stringify({ path, body: typeof init.body === 'string' ? init.body : undefined })}\n`);
    return answer;
  }
  const postEvents = (body: string | Uint8Array, contentType: string, query = '') =>
    send(
      tallies.events,
      'rest',
      `/api/events${query}`,
      { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body },
      `POST /api/events${query} [${contentType}] ${typeof body === 'string' ? body : `<${body.length} bytes>`}`,
    );
  const graphql = (body: unknown, headers: Record<string, string> = {}) =>
    send(tallies.graphql, 'graphql', '/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const cold = (path: string, init: RequestInit = {}) => send(tallies.cold, 'rest', path, init);
  const reported = new Map<Tally, number>();
  /** No violation since the last check of this tally (each test answers for its own inputs). */
  const assertClean = (tally: Tally) => {
    const fresh = tally.violations.slice(reported.get(tally) ?? 0);
    reported.set(tally, tally.violations.length);
    assert.deepEqual(fresh, [], 'answers that break the rules (input → problem)');
  };

  it('POST /api/events: malformed bodies, wrong content types, huge and deep bodies', async () => {
    const valid = JSON.stringify([event()]);
    const bodies: Array<[string | Uint8Array, string]> = [
      ['', 'application/json'],
      ['[', 'application/json'],
      ['{"a":', 'application/cloudevents+json'],
      ['nul', 'application/json'],
      ['{"a":1}}', 'application/json'],
      ['\ufeff[]', 'application/json'],
      ['[]', 'application/cloudevents-batch+json'],
      ['null', 'application/json'],
      ['null', 'application/cloudevents+json'],
      ['"text"', 'application/json'],
      ['1', 'application/json'],
      ['[null, 1, "a", [], true]', 'application/cloudevents-batch+json'],
      ['{}', 'application/cloudevents-batch+json'],
      [valid, 'application/cloudevents+json'],
      ['{"specversion":"1.0"}\n{bad json}\n', 'application/x-ndjson'],
      ['\n\n\n', 'application/x-ndjson'],
      [`${JSON.stringify(event())}\n\u0000\n`, 'application/x-ndjson'],
      [new Uint8Array([0xff, 0xfe, 0x00, 0x5b, 0xc3, 0x28, 0xa0, 0xa1, 0x5d]), 'application/json'],
      [new Uint8Array([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]), 'application/cloudevents-batch+json'],
      [nestedJson(100_000), 'application/json'],
      [nestedJson(50_000, 'object'), 'application/cloudevents+json'],
      [JSON.stringify([event({ data: '@' })]).replace('"@"', nestedJson(20_000, 'object', '{"name":"x"}')), 'application/cloudevents-batch+json'],
      [JSON.stringify([event({ data: { name: '@' } })]).replace('"@"', nestedJson(20_000)), 'application/cloudevents-batch+json'],
      [JSON.stringify([event({ subject: '@' })]).replace('"@"', nestedJson(20_000)), 'application/cloudevents-batch+json'],
      [`[${'1,'.repeat(20_000)}1]`, 'application/cloudevents-batch+json'],
      [JSON.stringify([event({ data: { name: 'x'.repeat(3_000_000) } })]), 'application/cloudevents-batch+json'],
      ['['.padEnd(4_300_000, ' ') + ']', 'application/json'],
      [JSON.stringify(Array.from({ length: 10_001 }, () => ({}))), 'application/cloudevents-batch+json'],
      [JSON.stringify(Array.from({ length: 500 }, () => ({ specversion: '1.0' }))), 'application/cloudevents-batch+json'],
      ...CONTENT_TYPES.map((t): [string, string] => [valid, t]),
    ];
    for (const [body, type] of bodies) await postEvents(body, type);
    for (const query of ['?wait=true', '?wait=yes', '?wait=true&wait=false', '?wait=%00', `?${'a=1&'.repeat(2000)}`])
      await postEvents(JSON.stringify([event()]), 'application/cloudevents-batch+json', query);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) await send(tallies.events, 'rest', '/api/events', { method });
    assertClean(tallies.events);
  });

  it('POST /api/events: events the contracts forbid are refused with a reason and never stored', async () => {
    const person = () => `Person/${uid('fz-forbid')}`;
    const cases: Array<Record<string, unknown>> = [
      event({ subject: person(), data: { name: 'x', bogus: 1 } }),
      event({ subject: person(), data: { name: 'x', __proto__x: 1, constructor: 'y' } }),
      event({ subject: person(), data: { level: 'high' } }),
      event({ subject: person(), data: { level: 1.5 } }),
      event({ subject: person(), data: { name: 5 } }),
      event({ subject: person(), data: { name: ['a'] } }),
      event({ subject: person(), data: { name: { a: 1 } } }),
      event({ subject: person(), data: { email: true } }),
      event({ subject: person(), data: 'name=x' }),
      event({ subject: person(), data: [{ name: 'x' }] }),
      event({ subject: person(), source: 'sales', data: { name: 'not yours' } }),
      event({ subject: person(), source: 'evil', data: { name: 'x' } }),
      event({ subject: person(), type: 'meshgraph.node.explode' }),
      event({ subject: person(), type: 'meshgraph.edge.link', data: { rel: 'nope', to: 'Team/t1' } }),
      event({ subject: person(), type: 'meshgraph.edge.link', source: 'org', data: { rel: 'teams', to: 'Client/c1' } }),
      event({ subject: person(), type: 'meshgraph.edge.link', source: 'org', data: { rel: 'teams', to: 'Team/\u0000' } }),
      event({ subject: person(), type: 'meshgraph.edge.link', source: 'hr', data: { rel: 'teams', to: 'Team/t1' } }),
      event({ subject: person(), specversion: '0.3' }),
      event({ subject: person(), specversion: undefined }),
      event({ subject: person(), id: '' }),
      event({ subject: person(), id: 42 }),
      event({ subject: person(), source: '' }),
      event({ subject: person(), sequence: -1 }),
      event({ subject: person(), sequence: 'abc' }),
      event({ subject: person(), sequence: 1.5 }),
      event({ subject: person(), sequence: '1'.repeat(60) }),
      event({ subject: person(), sequence: undefined, time: 'yesterday' }),
      event({ subject: `Nobody/${uid('fz-forbid')}` }),
      event({ subject: `person/${uid('fz-forbid')}` }),
    ];
    const bad = [
      event({ subject: 'Person' }),
      event({ subject: 'Person/' }),
      event({ subject: '/p1' }),
      event({ subject: `Person/${'x'.repeat(300)}` }),
      event({ subject: 'Person/a\u0000b' }),
      event({ subject: 'Person/a\nb' }),
      event({ subject: 'Person/\ud800' }),
      event({ subject: 42 }),
    ];
    for (const e of [...cases, ...bad]) {
      // Each forbidden event travels with a valid one: the valid one is accepted, the bad one not.
      const answer = await postEvents(JSON.stringify([event(), e]), 'application/cloudevents-batch+json');
      assert.equal(answer.status, 202, answer.text);
      assert.equal(answer.body.accepted, 1, `accepted a forbidden event: ${JSON.stringify(e).slice(0, 300)} → ${answer.text}`);
      assert.equal(answer.body.rejected.length, 1);
      assert.equal(answer.body.rejected[0].index, 1);
      assert.ok(typeof answer.body.rejected[0].reason === 'string' && answer.body.rejected[0].reason.length > 0, answer.text);
    }
    forbidden.push(...cases.map((e) => String(e['subject'])));
  });

  it('POST /api/events: generated events with mutated, missing, extra and hostile values', async () => {
    const base = fc.record({
      type: fc.constantFrom('meshgraph.node.upsert', 'meshgraph.node.delete', 'meshgraph.edge.link', 'meshgraph.edge.unlink'),
      nodeType: fc.constantFrom(...TYPES, 'Nobody', ''),
      id: fc.oneof(fc.constant('gen'), hostileString),
      source: fc.constantFrom('hr', 'org', 'pm', 'sales', 'evil', ''),
      data: fc.dictionary(fc.oneof(fc.constantFrom('name', 'level', 'size', 'tier', 'email', 'rel', 'to'), hostileString), anyValue, { maxKeys: 4 }),
    });
    const mutation = fc.oneof(
      fc.record({
        op: fc.constant('set' as const),
        key: fc.constantFrom('specversion', 'id', 'source', 'type', 'subject', 'sequence', 'time', 'data', 'datacontenttype', 'extra'),
        value: anyValue,
      }),
      fc.record({ op: fc.constant('drop' as const), key: fc.constantFrom('specversion', 'id', 'source', 'type', 'subject', 'sequence', 'data') }),
      fc.constant({ op: 'none' as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(base, fc.array(mutation, { maxLength: 3 })), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...CONTENT_TYPES.slice(0, 6)),
        fc.boolean(),
        async (drafts, contentType, ndjson) => {
          const events = drafts.map(([b, mutations]) => {
            const e: Record<string, unknown> = event({ type: b.type, source: b.source, subject: `${b.nodeType}/fz-gen-${b.id}`, data: b.data });
            for (const m of mutations) {
              if (m.op === 'set') e[m.key] = m.value;
              else if (m.op === 'drop') delete e[m.key];
            }
            return e;
          });
          const one = !ndjson && (contentType.includes('cloudevents+json') || contentType === 'application/x-ndjson');
          const body = ndjson ? events.map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(one ? events[0] : events);
          const answer = await postEvents(body, ndjson ? 'application/x-ndjson' : contentType);
          if (answer.status === 202)
            assert.equal(
              answer.body.accepted + answer.body.rejected.length,
              one ? 1 : events.length,
              `accepted + rejected = sent: ${answer.text.slice(0, 300)}`,
            );
        },
      ),
      { numRuns: RUNS, ...seed },
    );
    assertClean(tallies.events);
  });

  it('POST /api/events: an int field takes only what GraphQL Int can answer', async () => {
    const subject = `Person/${uid('fz-int')}`;
    const answer = await postEvents(
      JSON.stringify([event({ subject, data: { name: 'big', level: 2 ** 40 } })]),
      'application/cloudevents-batch+json',
      '?wait=true',
    );
    if (answer.body.accepted === 1) {
      const read = await graphql({ query: 'query($id: ID!) { person(id: $id) { level } }', variables: { id: subject.slice('Person/'.length) } });
      assert.fail(`level 2 ** 40 was accepted; GraphQL answers ${read.text.slice(0, 300)}`);
    }
  });

  it('POST /api/events: U+2028 and U+2029 in values are stored like any character', async () => {
    // Azurite 3.35 fails table transactions holding them raw; the table rows escape them.
    const refused = await fetch(`${url()}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([event({ data: { bogus: 'line\u2028separator' } })]),
    });
    assert.equal(refused.status, 202, await refused.text());
    const subject = `Person/${uid('fz-sep')}`;
    const name = 'line\u2028and\u2029paragraph';
    const accepted = await postEvents(JSON.stringify([event({ subject, data: { name, level: 1 } })]), 'application/cloudevents-batch+json', '?wait=true');
    assert.equal(accepted.body.accepted, 1, accepted.text);
    const read = await graphql({ query: 'query($id: ID!) { person(id: $id) { name } }', variables: { id: subject.slice('Person/'.length) } });
    assert.equal(read.body.data.person.name, name);
  });

  it('/api/graphql: a NUL in search text is searched for, not an internal error', async () => {
    const answer = await graphql({ query: 'query($q: String) { searchPersons(query: $q) { totalCount } }', variables: { q: 'a\u0000b' } });
    assert.equal(answer.body?.errors, undefined, answer.text);
  });

  it('/api/graphql: malformed requests, limits, hostile search text, filters, ids and cursors', async () => {
    const plain: Array<[string, Record<string, string>?]> = [
      ['', {}],
      ['{', {}],
      ['null', {}],
      ['[]', {}],
      ['[{"query":"{ __typename }"}]', {}],
      ['{"query":1}', {}],
      ['{"query":null}', {}],
      ['{"query":"{ __typename }","variables":"x"}', {}],
      ['{"query":"{ __typename }","variables":[1]}', {}],
      ['{"query":"{ __typename }","operationName":5}', {}],
      ['{"query":"query A { __typename } query B { __typename }"}', {}],
      ['{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}', {}],
      ['{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"zz"}}}', {}],
      ['{"extensions":{"persistedQuery":{"version":99,"sha256Hash":null}}}', {}],
      ['{"query":"{ __typename }"}', { 'content-type': 'text/plain' }],
      ['{"query":"{ __typename }"}', { 'content-type': 'application/xml' }],
      ['{"query":"{ __typename }"}', { accept: 'text/html' }],
      ['{"query":"{ __typename }"}', { accept: 'application/x-nothing' }],
      ['{"query":"{ person(id: \\"p1\\") { email } }"}', { 'x-ms-client-principal': 'not base64 %%%' }],
      ['{"query":"{ person(id: \\"p1\\") { email } }"}', { 'x-ms-client-principal': Buffer.from('{"claims": 5}').toString('base64') }],
      ['{"query":"{ person(id: \\"p1\\") { email } }"}', { 'x-ms-client-principal': Buffer.from('[]').toString('base64') }],
      [JSON.stringify({ query: `{ ${'a: __typename '.repeat(40)} }` })],
      [JSON.stringify({ query: `{ ${'person(id: "p1") { teams { members { '.repeat(10)} id ${'} } }'.repeat(10)} }` })],
      [JSON.stringify({ query: `{ __typename ${' '.repeat(40_000)} }` })],
      [JSON.stringify({ query: `query { ${'...F '.repeat(5)} } fragment F on Query { ...G } fragment G on Query { ...F }` })],
      [JSON.stringify({ query: '{ __typename @nope }' })],
      [JSON.stringify({ query: '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }' })],
      [JSON.stringify({ query: '{ searchPersons(first: 100) { edges { node { teams { members { teams { members { id } } } } } } } }' })],
      [JSON.stringify({ query: '{ searchPersons(first: -1) { totalCount } }' })],
      [JSON.stringify({ query: '{ searchPersons(first: 2147483647) { totalCount } }' })],
      [JSON.stringify({ query: '{ searchPersons(first: 99999999999) { totalCount } }' })],
      [JSON.stringify({ query: 'mutation { x }' })],
      [JSON.stringify({ query: 'subscription { x }' })],
      [
        JSON.stringify({
          query:
            '{ node(id: "Person:p1") { id } n2: node(id: "nope") { id } n3: node(id: ":") { id } n4: node(id: "Nobody:x") { id } n5: nodes(ids: ["Person:p1", "__proto__:x", "constructor:y"]) { id } }',
        }),
      ],
      [JSON.stringify({ query: `{ ${'__typename '.repeat(5000)} }` })],
      [`{"query":"${'{'.repeat(20_000)}"}`],
      [JSON.stringify({ query: '{ _entities(representations: [{__typename: "Person", id: "p1"}, {__typename: "Nope"}, {}]) { ... on Person { id } } }' })],
      [
        JSON.stringify({
          query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
          variables: { r: [null, 1, 'x', { __typename: '__proto__' }, { __typename: 'Person', id: { a: 1 } }] },
        }),
      ],
    ];
    for (const [body, headers] of plain) await graphql(body, headers);
    for (const q of [
      '',
      '?query=',
      '?query=%7B',
      '?query={__typename}',
      '?query={__typename}&variables=x',
      '?query={__typename}&variables=%7B%7D&extensions=%5B',
      '?query=mutation{x}',
      `?query=${encodeURIComponent('{ searchPersons(query: "\u0000") { totalCount } }')}`,
    ]) {
      await send(tallies.graphql, 'graphql', `/api/graphql${q}`, { headers: { accept: 'application/graphql-response+json' } });
    }
    const search =
      'query($q: String, $f: PersonFilter, $first: Int, $after: String, $sort: [PersonSort!]) { searchPersons(query: $q, filter: $f, first: $first, after: $after, sort: $sort) { totalCount edges { cursor node { id name level } } pageInfo { endCursor hasNextPage } facets { field buckets { value count } } } }';
    for (const s of HOSTILE_STRINGS) {
      await graphql({ query: search, variables: { q: s } });
      await graphql({ query: search, variables: { f: { name: { match: s } }, after: s } });
      await graphql(
        {
          query: search,
          variables: {
            f: { or: [{ email: { eq: s } }, { email: { prefix: s } }, { email: { in: [s, s] } }, { teams: { eq: s } }, { teamInfo: { name: { match: s } } }] },
          },
        },
        { 'x-ms-client-principal': ADMIN },
      );
      await graphql({
        query:
          'query($id: ID!, $ids: [ID!]!) { person(id: $id) { id } persons(ids: $ids) { id } node(id: $id) { id } nodes(ids: $ids) { id } team(id: "t1") { membersConnection(filter: {teams: {in: $ids}}) { totalCount } } }',
        variables: { id: s, ids: [s, `Person:${s}`] },
      });
      await graphql({ query: `{ searchClients(query: ${JSON.stringify(s)}, filter: {tier: {prefix: ${JSON.stringify(s)}}}) { totalCount } }` });
    }
    assertClean(tallies.graphql);
  });

  it('/api/graphql: generated filters, variables and documents', async () => {
    const scalarFilter = fc.record(
      { eq: anyValue, in: fc.array(anyValue, { maxLength: 3 }), prefix: anyValue, match: anyValue, gt: anyValue, lte: anyValue, exists: anyValue },
      { requiredKeys: [] },
    );
    const filter: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      f: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record(
          {
            id: scalarFilter,
            name: scalarFilter,
            level: scalarFilter,
            email: scalarFilter,
            teams: scalarFilter,
            teamInfo: fc.record({ name: scalarFilter }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        fc.record({ and: fc.array(tie('f'), { maxLength: 3 }) }),
        fc.record({ or: fc.array(tie('f'), { maxLength: 3 }) }),
        fc.record({ not: tie('f') }),
        anyValue,
      ),
    })).f;
    const variables = fc.record(
      {
        q: fc.oneof(hostileString, anyValue),
        f: filter,
        first: fc.oneof(fc.integer({ min: -5, max: 200 }), anyValue),
        after: fc.oneof(hostileString, fc.base64String({ maxLength: 40 })),
        sort: fc.oneof(fc.constant([{ field: 'id', direction: 'DESC' }]), anyValue),
      },
      { requiredKeys: [] },
    );
    const search =
      'query($q: String, $f: PersonFilter, $first: Int, $after: String, $sort: [PersonSort!]) { searchPersons(query: $q, filter: $f, first: $first, after: $after, sort: $sort) { totalCount edges { node { id name } } pageInfo { endCursor } facets { field } } }';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 6, arbitrary: variables.map((v) => ({ query: search, variables: v })) },
          {
            weight: 2,
            arbitrary: fc.record({ query: fc.oneof(hostileString, fc.string({ maxLength: 200 })), variables: fc.oneof(anyValue, fc.constant(undefined)) }),
          },
          {
            weight: 2,
            arbitrary: fc
              .tuple(hostileString, fc.constantFrom('searchPersons', 'searchTeams', 'searchClients', 'searchProjects'))
              .map(([s, field]) => ({ query: `{ ${field}(query: ${JSON.stringify(s)}, first: 5) { totalCount edges { cursor } } }` })),
          },
        ),
        async (body) => {
          await graphql(body);
        },
      ),
      { numRuns: RUNS, ...seed },
    );
    assertClean(tallies.graphql);
  });

  it('cold endpoints: hostile types, ids, parameters, principals and bodies', async () => {
    // Seed something to walk.
    const seeded = await postEvents(
      JSON.stringify([
        event({ subject: 'Person/fz-seed' }),
        event({ source: 'org', subject: 'Team/fz-team', data: { name: 'Fuzzers', size: 3 } }),
        event({ source: 'org', type: 'meshgraph.edge.link', subject: 'Person/fz-seed', data: { rel: 'teams', to: 'Team/fz-team' } }),
      ]),
      'application/cloudevents-batch+json',
      '?wait=true',
    );
    assert.equal(seeded.body.accepted, 3, seeded.text);
    const enc = pathSegment;
    const rawPaths = [
      '/api/nodes/Person/%E0%A4%A',
      '/api/nodes/Person/%',
      '/api/nodes/%ZZ/x',
      '/api/nodes/Person/fz-seed%00',
      '/api/nodes/Person/..%2F..%2Fetc',
      '/api/nodes/Person/fz-seed/subgraph/extra',
      '/api/nodes//',
      '/api/nodes/Person',
      '/api/export?type=%E0%A4%A',
      `/api/nodes/Person/${'x'.repeat(5000)}`,
      '/api/nodes/Person/fz-seed?asOf=%00',
    ];
    for (const p of rawPaths) await cold(p);
    const params = fc.oneof(
      hostileString,
      fc.integer().map(String),
      fc.constantFrom(
        '0',
        '-1',
        '5',
        '6',
        '1e3',
        '0x10',
        '1.5',
        ' 2',
        '2 ',
        '2000-01-01',
        '2999-01-01T00:00:00Z',
        '1970-01-01T00:00:00Z',
        'svg',
        'json',
        'teams,members',
        ',,,',
        'teams,nope',
      ),
    );
    const path = fc.oneof(
      fc
        .tuple(
          fc.oneof(fc.constantFrom(...TYPES), hostileString),
          fc.oneof(fc.constantFrom('fz-seed', 'fz-team', 'missing'), hostileString),
          fc.constantFrom('', '/subgraph', '/history', '/lineage', '/nope'),
          fc.dictionary(fc.constantFrom('asOf', 'depth', 'rels', 'budget', 'format', 'from', 'to', 'x'), params, { maxKeys: 4 }),
        )
        .map(([type, id, tail, query]) => `/api/nodes/${enc(type)}/${enc(id)}${tail}?${new URLSearchParams(query).toString()}`),
      fc
        .record({ type: fc.oneof(fc.constantFrom(...TYPES), hostileString) }, { requiredKeys: [] })
        .map((q) => `/api/export?${new URLSearchParams(q).toString()}`),
      fc
        .dictionary(fc.constantFrom('top', 'stage', 'source', 'continuation'), params, { maxKeys: 4 })
        .map((q) => `/api/admin/deadletters?${new URLSearchParams(q).toString()}`),
    );
    const principal = fc.oneof(
      fc.constant(ADMIN),
      fc.constant(undefined),
      hostileString.map((s) => Buffer.from(s).toString('base64')),
      fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64')),
      fc.constantFrom('%%%', '', principalHeader(['pii.read'])),
    );
    const accept = fc.constantFrom(undefined, 'image/svg+xml', 'text/html', '*/*');
    await fc.assert(
      fc.asyncProperty(path, principal, accept, async (p, who, acceptHeader) => {
        const headers: Record<string, string> = {};
        if (who !== undefined) headers['x-ms-client-principal'] = who;
        if (acceptHeader) headers['accept'] = acceptHeader;
        await cold(p, { headers });
      }),
      { numRuns: RUNS, ...seed },
    );
    const replayBody = fc.oneof(
      fc.record({ ids: fc.oneof(fc.array(hostileString, { maxLength: 5 }), anyValue) }, { requiredKeys: [] }),
      fc.record(
        {
          all: fc.oneof(
            fc.constantFrom('true', 1, null, 'yes'),
            anyValue.filter((v) => v !== true),
          ),
          stage: anyValue,
          source: anyValue,
        },
        { requiredKeys: [] },
      ),
      anyValue,
    );
    await fc.assert(
      fc.asyncProperty(replayBody, fc.constantFrom('application/json', 'text/plain', ''), async (body, contentType) => {
        await cold('/api/admin/deadletters/replay', {
          method: 'POST',
          headers: { 'x-ms-client-principal': ADMIN, ...(contentType ? { 'content-type': contentType } : {}) },
          body: JSON.stringify(body) ?? 'undefined',
        });
      }),
      { numRuns: Math.ceil(RUNS / 5), ...seed },
    );
    for (const body of ['', '{', '[]', nestedJson(100_000), 'x'.repeat(2_000_000)])
      await cold('/api/admin/deadletters/replay', { method: 'POST', headers: { 'x-ms-client-principal': ADMIN, 'content-type': 'application/json' }, body });
    for (const type of ['Nobody', '', '\u0000', '__proto__', 'Person,Team', 'person'])
      await cold(`/api/admin/reindex?type=${enc(type)}`, { method: 'POST', headers: { 'x-ms-client-principal': ADMIN } });
    await cold('/api/admin/reindex', { method: 'POST' });
    for (const method of ['POST', 'PUT', 'DELETE']) await cold('/api/nodes/Person/fz-seed', { method });
    assertClean(tallies.cold);
  });

  it('cold endpoints: a path with malformed percent-encoding is a 400', async () => {
    for (const p of ['/api/nodes/Person/%E0%A4%A', '/api/nodes/%ZZ/x', '/api/nodes/Person/%ED%A0%80'])
      assert.equal((await fetch(`${url()}${p}`)).status, 400, p);
  });

  it('cold endpoints: inherited names are no node types, foreign continuation tokens a 400 (bugs the fuzzer found, fixed)', async () => {
    const admin = { 'x-ms-client-principal': ADMIN };
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.equal((await cold(`/api/nodes/${type}/x`, { headers: admin })).status, 404, type);
      assert.equal((await cold(`/api/export?type=${type}`, { headers: admin })).status, 404, type);
      assert.equal((await cold(`/api/admin/reindex?type=${type}`, { method: 'POST', headers: admin })).status, 404, type);
    }
    for (const token of ['2999-01-01T00:00:00Z', '-1', 'eyJwayI6', '%%%']) {
      const answer = await cold(`/api/admin/deadletters?continuation=${encodeURIComponent(token)}`, { headers: admin });
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.body.code, 'invalid-continuation');
    }
    assertClean(tallies.cold);
  });

  it('stays healthy, and stores nothing the contracts forbid', async () => {
    await host.runtime.idle();
    const health = await answerOf(await fetch(`${url()}/api/health`));
    assert.equal(health.status, 200, health.text);
    assert.equal(health.body.status, 'ok');
    const status = await answerOf(await fetch(`${url()}/admin/host/status`));
    assert.equal(status.body.stuckEntities, 0, status.text);
    assert.equal(status.body.failedBatches, 0, status.text);
    assert.equal((await fetch(`${url()}/api/cold/health`)).status, 200);

    for (const subject of forbidden.filter((s) => s.startsWith('Person/'))) {
      const id = subject.slice('Person/'.length);
      const node = await answerOf(await fetch(`${url()}/api/nodes/Person/${encodeURIComponent(id)}`, { headers: { 'x-ms-client-principal': ADMIN } }));
      assert.equal(node.status, 404, `${subject} was refused yet the cold app shows it: ${node.text}`);
    }
    const ids = forbidden.filter((s) => s.startsWith('Person/')).map((s) => s.slice('Person/'.length));
    const answer = await answerOf(
      await fetch(`${url()}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ms-client-principal': ADMIN },
        body: JSON.stringify({ query: 'query($ids: [ID!]!) { persons(ids: $ids) { id } }', variables: { ids } }),
      }),
    );
    assert.deepEqual(
      answer.body.data.persons,
      ids.map(() => null),
      answer.text,
    );

    // Every node stored, in the actors (export) and in the index (GraphQL), conforms to its contract.
    const kindOk: Record<string, (v: unknown) => boolean> = {
      text: (v) => typeof v === 'string',
      keyword: (v) => typeof v === 'string',
      int: (v) => Number.isSafeInteger(v),
      float: (v) => typeof v === 'number' && Number.isFinite(v),
      bool: (v) => typeof v === 'boolean',
      datetime: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
    };
    let stored = 0;
    for (const type of TYPES) {
      const res = await answerOf(await fetch(`${url()}/api/export?type=${type}`, { headers: { 'x-ms-client-principal': ADMIN } }));
      assert.equal(res.status, 200, res.text);
      for (const line of res.text.split('\n').filter((l) => l !== '')) {
        const node = JSON.parse(line) as { id: string; fields: Record<string, unknown> };
        stored++;
        for (const [name, value] of Object.entries(node.fields)) {
          const field = model.types[type]!.fields[name];
          assert.ok(field, `${node.id} holds field ${name}, which ${type}'s contract does not declare`);
          assert.ok(value === null || kindOk[field.kind]!(value), `${node.id}.${name} = ${JSON.stringify(value)} is not a ${field.kind}`);
        }
      }
    }
    const search = await answerOf(
      await fetch(`${url()}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ms-client-principal': ADMIN },
        body: JSON.stringify({ query: '{ searchPersons(first: 100) { totalCount edges { node { id name email teams { id } } } } }' }),
      }),
    );
    assert.equal(search.body.errors, undefined, search.text);
    console.log(`fuzz: ${stored} nodes stored by the run, all conforming to the contracts; ${search.body.data.searchPersons.totalCount} persons searchable`);

    const total = tallies.events.inputs + tallies.graphql.inputs + tallies.cold.inputs;
    const statuses = new Set([...tallies.events.statuses.keys(), ...tallies.graphql.statuses.keys(), ...tallies.cold.statuses.keys()]);
    console.log(`fuzz: ${total} inputs, ${statuses.size} distinct statuses`);
    for (const [name, tally] of [
      ['POST /api/events', tallies.events],
      ['/api/graphql', tallies.graphql],
      ['cold endpoints', tallies.cold],
    ] as const)
      console.log(tally.summary(name));
  });
});
