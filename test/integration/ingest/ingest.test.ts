// Ingestion through the local host on Azurite: POST /api/events -> local stream -> Event Hubs
// trigger -> router -> node entities -> SQLite index, with dead letters in Azure Tables.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloudEvent as ce, ingest, useMeshHost } from '../../helpers/mesh-host';
import { usedBuckets, type NodeState } from '../../../core/graph/node-state';
import { FANOUT_LANES } from '../../../actors/messages/bucket';

describe('ingestion through the local host', () => {
  const suite = useMeshHost();

  it('applies and projects accepted events; ?wait=true answers once they are applied', async () => {
    const { status, body } = await ingest(suite.mesh.host.url, [
      ce('hr', 'upsert', 'Person/p1', 1, { name: 'Ada Lovelace', level: 3 }),
      ce('org', 'upsert', 'Team/t1', 1, { name: 'Analytical' }),
      ce('org', 'link', 'Person/p1', 2, { rel: 'teams', to: 'Team/t1' }),
    ]);
    assert.equal(status, 202);
    assert.deepEqual({ accepted: body.accepted, rejected: body.rejected, applied: body.applied }, { accepted: 3, rejected: [], applied: true });
    // The events themselves are applied and searchable now (the team's reaction may still travel).
    const { id, name, level, teams } = (await suite.mesh.index.get('Person', 'Person:p1'))?.body ?? {};
    assert.deepEqual({ id, name, level, teams }, { id: 'p1', name: 'Ada Lovelace', level: 3, teams: ['t1'] });
    await suite.mesh.host.runtime.idle();
    assert.deepEqual((await suite.mesh.index.get('Person', 'Person:p1'))?.body.teamInfo, [{ id: 't1', name: 'Analytical' }]);
  });

  it('rejects bad events one by one with precise reasons, dead-letters them, and applies the rest', async () => {
    const events = [
      ce('hr', 'upsert', 'Person/p2', 1, { name: 'Grace' }, 'good-1'),
      ce('org', 'upsert', 'Person/p2', 2, { name: 'Mallory' }, 'not-owner'),
      ce('hr', 'upsert', 'Person/p2', 3, { level: 'high' }, 'wrong-type'),
      ce('hr', 'upsert', 'Person/p2', 4, { shoeSize: 44 }, 'unknown-field'),
      ce('hr', 'upsert', 'Robot/r1', 1, { name: 'R2' }, 'unknown-type'),
      { specversion: '1.0', id: 'no-source', type: 'meshgraph.node.upsert', subject: 'Person/p2', data: {} },
      'not an object',
    ];
    const { status, body } = await ingest(suite.mesh.host.url, events);
    assert.equal(status, 202);
    assert.equal(body.accepted, 1);
    const reasons = Object.fromEntries(body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason]));
    assert.match(reasons[1], /Person\.name is owned by hr; org may not write it/);
    assert.match(reasons[2], /level/);
    assert.match(reasons[3], /unknown field "shoeSize"/);
    assert.match(reasons[4], /Robot/);
    assert.match(reasons[5], /source/);
    assert.match(reasons[6], /JSON object/);
    const letters = await suite.mesh.deadLetters.list({ top: 1000 });
    for (const id of ['not-owner', 'wrong-type', 'unknown-field', 'unknown-type', 'no-source'])
      assert.ok(
        letters.items.some((l) => l.eventId === id && l.stage === 'ingest' && l.reason.length > 0),
        `dead letter for ${id}`,
      );
    assert.equal((await suite.mesh.index.get('Person', 'Person:p2'))?.body.name, 'Grace');
  });

  it('answers malformed requests with 4xx problem+json', async () => {
    const post = (body: string, type: string) => fetch(`${suite.mesh.host.url}/api/events`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: Array<[Response, number, RegExp]> = [
      [await post('{not json', 'application/cloudevents-batch+json'), 400, /not valid JSON/],
      [await post('[]', 'application/cloudevents-batch+json'), 400, /no event/],
      [await post('{}', 'application/cloudevents-batch+json'), 400, /JSON array/],
      [await post('[{}]', 'text/plain'), 415, /content type "text\/plain"/],
      [await post('x'.repeat(4_194_305), 'application/x-ndjson'), 413, /limit of 4194304 bytes/],
      [await post('{"a":1}\n{oops', 'application/x-ndjson'), 400, /line 2/],
    ];
    for (const [res, status, detail] of cases) {
      assert.equal(res.status, status);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.match(((await res.json()) as { detail: string }).detail, detail);
    }
  });

  it('converges whatever the order, duplication and batching of the same events', async () => {
    const events = [
      ce('hr', 'upsert', 'Person/c1', 5, { name: 'Final', level: 2 }, 'c-a'),
      ce('hr', 'upsert', 'Person/c1', 3, { name: 'Older', level: 9 }, 'c-b'),
      ce('org', 'upsert', 'Team/ct', 1, { name: 'Team One' }, 'c-c'),
      ce('org', 'link', 'Person/c1', 2, { rel: 'teams', to: 'Team/ct' }, 'c-d'),
      ce('org', 'upsert', 'Team/ct', 4, { name: 'Team Two' }, 'c-e'),
      ce('hr', 'delete', 'Person/c2', 4, undefined, 'c-f'),
      ce('hr', 'upsert', 'Person/c2', 2, { name: 'Gone' }, 'c-g'),
    ];
    // Reversed, each sent twice, in three requests of different sizes.
    const shuffled = [...events].reverse();
    for (const part of [shuffled.slice(0, 2), [...shuffled.slice(2), ...shuffled.slice(0, 3)], shuffled.slice(3)])
      assert.equal((await ingest(suite.mesh.host.url, part)).status, 202);
    await suite.mesh.host.runtime.idle();
    assert.deepEqual((await suite.mesh.index.get('Person', 'Person:c1'))?.body, {
      id: 'c1',
      name: 'Final',
      level: 2,
      teams: ['ct'],
      teamInfo: [{ id: 'ct', name: 'Team Two' }],
    });
    const c2 = await suite.mesh.index.get('Person', 'Person:c2');
    assert.ok(c2 === undefined || c2.deleted, 'an upsert older than the delete does not resurrect the node');
  });

  it('keeps a node with large values working on the table store, and dead-letters an upsert past its bound', async () => {
    const url = suite.mesh.host.url;
    const big = (c: string) => c.repeat(200_000);
    // Twice a 200 KB name: kept in the state once (not in its history), so the node's row fits.
    for (const [seq, c] of [
      [1, 'a'],
      [2, 'b'],
    ] as const)
      assert.equal((await ingest(url, [ce('hr', 'upsert', 'Person/big', seq, { name: big(c) }, `big-${seq}`)])).body.applied, true);
    const tooMuch = await ingest(url, [ce('hr', 'upsert', 'Person/big', 3, { email: big('x') }, 'big-too-much')], false);
    assert.equal(tooMuch.body.accepted, 1);
    // The node keeps going: a later small change is applied.
    assert.equal((await ingest(url, [ce('hr', 'upsert', 'Person/big', 4, { level: 7 }, 'big-small')])).body.applied, true);
    await suite.mesh.host.runtime.idle();
    const body = (await suite.mesh.index.get('Person', 'Person:big'))?.body as { name: string; level: number; email?: string };
    assert.deepEqual(
      { first: body.name[0], length: body.name.length, level: body.level, email: body.email },
      { first: 'b', length: 200_000, level: 7, email: undefined },
    );
    const letters = await suite.mesh.deadLetters.list({ top: 1000 });
    const letter = letters.items.find((l) => l.eventId === 'big-too-much');
    assert.equal(letter?.stage, 'actor');
    assert.match(letter?.reason ?? '', /would hold \d+ characters of values; a node keeps at most 300000/);
  });

  it('waits for nodes whose ids hold URL syntax (?, #, %, /, space)', async () => {
    const ids = ['q?x=1', 'h#frag', 'pct%20not-space', 'a/b', 'sp ace'];
    const { body } = await ingest(
      suite.mesh.host.url,
      ids.map((id, i) => ce('hr', 'upsert', `Person/${id}`, 1, { name: `N${i}` }, `url-${i}`)),
    );
    assert.deepEqual({ accepted: body.accepted, applied: body.applied }, { accepted: ids.length, applied: true });
    for (const [i, id] of ids.entries()) assert.equal((await suite.mesh.index.get('Person', `Person:${id}`))?.body.name, `N${i}`, id);
  });

  it('propagates a change three hops away (Client -> Project -> Team -> Person)', async () => {
    await ingest(suite.mesh.host.url, [
      ce('hr', 'upsert', 'Person/h1', 1, { name: 'Hopper' }),
      ce('org', 'upsert', 'Team/h1', 1, { name: 'Compilers' }),
      ce('pm', 'upsert', 'Project/h1', 1, { name: 'COBOL' }),
      ce('sales', 'upsert', 'Client/h1', 1, { name: 'Navy' }),
      ce('org', 'link', 'Person/h1', 2, { rel: 'teams', to: 'Team/h1' }),
      ce('pm', 'link', 'Team/h1', 2, { rel: 'projects', to: 'Project/h1' }),
      ce('pm', 'link', 'Project/h1', 3, { rel: 'client', to: 'Client/h1' }),
    ]);
    await suite.mesh.host.runtime.idle();
    assert.deepEqual((await suite.mesh.index.get('Person', 'Person:h1'))?.body.clients, [{ id: 'h1', name: 'Navy' }]);
    await ingest(suite.mesh.host.url, [ce('sales', 'upsert', 'Client/h1', 2, { name: 'US Navy' })]);
    await suite.mesh.host.runtime.idle();
    assert.deepEqual((await suite.mesh.index.get('Person', 'Person:h1'))?.body.clients, [{ id: 'h1', name: 'US Navy' }]);
  });

  it('fans a change of a high-degree node out through its edge buckets to every neighbour', async () => {
    // Past 128 members the relation spills to bucket entities; a rename then travels in chains
    // of buckets (bucket entities, keys with '|', signalled bucket to bucket through the host).
    const members = 200;
    const events: unknown[] = [ce('org', 'upsert', 'Team/wide', 1, { name: 'Everyone' })];
    for (let i = 0; i < members; i++)
      events.push(ce('hr', 'upsert', `Person/w${i}`, 1, { name: `W${i}` }), ce('org', 'link', `Person/w${i}`, 2, { rel: 'teams', to: 'Team/wide' }));
    assert.equal((await ingest(suite.mesh.host.url, events, false)).body.accepted, events.length);
    await suite.mesh.host.runtime.idle();
    const fanouts = suite.mesh.host.runtime.operationsByName['bucket.fanout'] ?? 0;
    await ingest(suite.mesh.host.url, [ce('org', 'upsert', 'Team/wide', 3, { name: 'All hands' })], false);
    await suite.mesh.host.runtime.idle();
    const docs = await Promise.all(Array.from({ length: members }, (_, i) => suite.mesh.index.get('Person', `Person:w${i}`)));
    assert.deepEqual(
      docs.filter((d) => JSON.stringify(d?.body.teamInfo) !== JSON.stringify([{ id: 'wide', name: 'All hands' }])).map((d) => d?.id),
      [],
    );
    // Every bucket in use heard the rename once: the chains reached all of them, none twice.
    const team = JSON.parse((await suite.mesh.host.runtime.read('node', 'Team:wide'))?.state ?? '{}') as NodeState;
    const used = usedBuckets(team.spilled?.members).length;
    assert.ok(used > FANOUT_LANES, `${used} buckets in use`);
    assert.equal((suite.mesh.host.runtime.operationsByName['bucket.fanout'] ?? 0) - fanouts, used);
  });
});
