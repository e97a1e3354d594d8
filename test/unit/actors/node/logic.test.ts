// The node actor's merge rules, on plain data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apply } from '../../../../actors/node/logic';
import { graphProduct } from '../../../fixtures/graph-product';
import { ev, keyOf, Mesh } from './harness';
import type { CanonicalChange } from '../../../../core/contracts/dsl';
import { describeKey, orderKey } from '../../../../core/graph/order';
import { usedBuckets, withBucket } from '../../../../core/graph/node-state';
import { applyBucket } from '../../../../actors/bucket/logic';
import { FANOUT_LANES, fanoutLanes, siblingBucket } from '../../../../actors/messages/bucket';

const model = graphProduct.model;
const up = (type: string, id: string, fields: Record<string, unknown>): CanonicalChange => ({ op: 'upsert', type, id, fields: fields as never });
const link = (type: string, id: string, rel: string, toType: string, toId: string, op: 'link' | 'unlink' = 'link'): CanonicalChange => ({
  op,
  type,
  id,
  rel,
  toType,
  toId,
});

function single(events: ReturnType<typeof ev>[]) {
  const mesh = new Mesh(model);
  for (const e of events) mesh.send(keyOf(e.change), { op: 'apply', events: [e] });
  mesh.run();
  return mesh;
}

describe('node actor: fields', () => {
  it('sets fields and projects the node with a growing version', () => {
    const mesh = single([ev('hr', 1, up('Person', 'p1', { name: 'Ada', level: 3 })), ev('hr', 2, up('Person', 'p1', { level: 4 }))]);
    const doc = mesh.docs.get('Person:p1')!;
    assert.deepEqual(doc.body, { id: 'p1', name: 'Ada', level: 4 });
    assert.equal(doc.version, 2);
  });

  it('keeps the newer value when an older event arrives late', () => {
    const mesh = single([ev('hr', 5, up('Person', 'p1', { name: 'New' })), ev('hr', 3, up('Person', 'p1', { name: 'Old', level: 1 }))]);
    assert.deepEqual(mesh.docs.get('Person:p1')!.body, { id: 'p1', name: 'New', level: 1 });
  });

  it('treats a repeated event as a no-op (no new version, no projection)', () => {
    const e = ev('hr', 1, up('Person', 'p1', { name: 'Ada' }));
    const first = apply(undefined, { op: 'apply', events: [e] }, new Mesh(model).ctx('Person:p1'));
    const again = apply(structuredClone(first.state), { op: 'apply', events: [e] }, new Mesh(model).ctx('Person:p1'));
    assert.equal(again.state.ver, first.state.ver);
    assert.deepEqual(again.effects, []);
  });

  it('dead-letters a field written by a source that does not own it, with the reason', () => {
    const mesh = single([ev('crm', 1, up('Person', 'p1', { name: 'Eve' }))]);
    assert.equal(mesh.docs.size, 0);
    assert.equal(mesh.deadLetters.length, 1);
    assert.match(mesh.deadLetters[0]!.reason, /Person\.name is owned by hr; crm may not write it/);
  });

  it('null clears a field but keeps its version, so an older value cannot come back', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada', level: 2 })),
      ev('hr', 3, up('Person', 'p1', { level: null })),
      ev('hr', 2, up('Person', 'p1', { level: 9 })),
    ]);
    assert.deepEqual(mesh.docs.get('Person:p1')!.body, { id: 'p1', name: 'Ada' });
  });

  it('orders by decimal-string sequences numerically, beyond 2^53', () => {
    const a = { ...ev('hr', 0, up('Person', 'p1', { name: 'small' })), k: orderKey('9007199254740993', undefined, 'a')! };
    const b = { ...ev('hr', 0, up('Person', 'p1', { name: 'big' })), k: orderKey('10000000000000000000', undefined, 'b')! };
    const mesh = single([b, a]);
    assert.equal((mesh.docs.get('Person:p1')!.body as { name: string }).name, 'big');
  });
});

describe('node actor: ownership of the state', () => {
  it('a batch changes the state it is given in place and returns that object (callers that keep it pass a copy)', () => {
    const ctx = new Mesh(model).ctx('Person:p1');
    const first = apply(undefined, { op: 'apply', events: [ev('hr', 1, up('Person', 'p1', { name: 'Ada' }))] }, ctx);
    const kept = structuredClone(first.state);
    const next = apply(first.state, { op: 'apply', events: [ev('hr', 2, up('Person', 'p1', { name: 'Grace' }))] }, ctx);
    assert.equal(next.state, first.state);
    assert.equal(first.state.fields.name?.v, 'Grace');
    assert.equal(kept.fields.name?.v, 'Ada');
  });
});

describe('node actor: delete', () => {
  it('a delete leaves a tombstone: the node is retracted and an older upsert does not resurrect it', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada', level: 1 })),
      ev('hr', 5, { op: 'delete', type: 'Person', id: 'p1' }),
      ev('hr', 3, up('Person', 'p1', { name: 'Zombie' })),
    ]);
    assert.equal(mesh.docs.get('Person:p1')!.deleted, true);
  });

  it('a newer upsert re-creates the node with only the fields set after the delete', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada', level: 1 })),
      ev('hr', 5, { op: 'delete', type: 'Person', id: 'p1' }),
      ev('hr', 7, up('Person', 'p1', { name: 'Back' })),
    ]);
    const doc = mesh.docs.get('Person:p1')!;
    assert.equal(doc.deleted, undefined);
    assert.deepEqual(doc.body, { id: 'p1', name: 'Back' });
  });

  it('only the owner may delete', () => {
    const mesh = single([ev('hr', 1, up('Person', 'p1', { name: 'Ada' })), ev('org', 9, { op: 'delete', type: 'Person', id: 'p1' })]);
    assert.equal(mesh.docs.get('Person:p1')!.deleted, undefined);
    assert.match(mesh.deadLetters[0]!.reason, /owned by hr; org may not delete/);
  });
});

describe('node actor: edges and reactions', () => {
  it('keeps an edge on both ends and carries the neighbour summary', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
    ]);
    assert.deepEqual(mesh.docs.get('Person:p1')!.body, { id: 'p1', name: 'Ada', teams: ['t1'], teamInfo: [{ id: 't1', name: 'Core' }] });
    assert.deepEqual((mesh.docs.get('Team:t1')!.body as { members: string[] }).members, ['p1']);
  });

  it('a link to a node never seen creates a placeholder that fills in when its events arrive', () => {
    const mesh = single([ev('hr', 1, up('Person', 'p1', { name: 'Ada' })), ev('org', 2, link('Person', 'p1', 'teams', 'Team', 'ghost'))]);
    assert.equal(mesh.docs.has('Team:ghost'), false, 'a placeholder is not projected');
    assert.equal((mesh.docs.get('Person:p1')!.body as { teamInfo?: unknown[] }).teamInfo, undefined);
    mesh.send('Team:ghost', { op: 'apply', events: [ev('org', 3, up('Team', 'ghost', { name: 'Late' }))] });
    mesh.run();
    assert.deepEqual((mesh.docs.get('Person:p1')!.body as { teamInfo: unknown[] }).teamInfo, [{ id: 'ghost', name: 'Late' }]);
  });

  it('unlink removes the edge on both ends; relink restores it', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
      ev('org', 3, link('Team', 't1', 'members', 'Person', 'p1', 'unlink')),
    ]);
    assert.equal((mesh.docs.get('Person:p1')!.body as { teams?: string[] }).teams, undefined);
    assert.equal((mesh.docs.get('Team:t1')!.body as { members?: string[] }).members, undefined);
    mesh.send('Person:p1', { op: 'apply', events: [ev('org', 4, link('Person', 'p1', 'teams', 'Team', 't1'))] });
    mesh.run();
    assert.deepEqual((mesh.docs.get('Team:t1')!.body as { members: string[] }).members, ['p1']);
  });

  it('propagates a change three hops away (Client name -> Project -> Team -> Person)', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('pm', 1, up('Project', 'x1', { name: 'Apollo' })),
      ev('sales', 1, up('Client', 'c1', { name: 'Acme' })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
      ev('pm', 2, link('Team', 't1', 'projects', 'Project', 'x1')),
      ev('pm', 3, link('Project', 'x1', 'client', 'Client', 'c1')),
    ]);
    assert.deepEqual((mesh.docs.get('Person:p1')!.body as { clients: unknown }).clients, [{ id: 'c1', name: 'Acme' }]);
    mesh.send('Client:c1', { op: 'apply', events: [ev('sales', 2, up('Client', 'c1', { name: 'Acme Corp' }))] });
    mesh.run();
    assert.deepEqual((mesh.docs.get('Person:p1')!.body as { clients: unknown }).clients, [{ id: 'c1', name: 'Acme Corp' }]);
  });

  it('holds a summary back while a linked neighbour it nests has not reported: one wave up the path, not two', () => {
    // The team links project x1 as x1 links client c1. The team's summary to its member nests the
    // project's client: sent before the client reached the project, it would climb the path twice.
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
      ev('sales', 1, up('Client', 'c1', { name: 'Acme' })),
      ev('pm', 1, up('Project', 'x1', { name: 'Apollo' })),
    ]);
    const before = mesh.reactions;
    mesh.send('Team:t1', { op: 'apply', events: [ev('pm', 4, link('Team', 't1', 'projects', 'Project', 'x1'))] });
    mesh.send('Project:x1', { op: 'apply', events: [ev('pm', 4, link('Project', 'x1', 'client', 'Client', 'c1'))] });
    mesh.run();
    assert.equal(mesh.reactions - before, 3, 'the client to the project, the project to the team, the team once to its member');
    assert.deepEqual((mesh.docs.get('Person:p1')!.body as { clients: unknown }).clients, [{ id: 'c1', name: 'Acme' }]);
  });

  it('a neighbour that links while a summary is held back gets it once complete, even unchanged', () => {
    // x1's summary to its team nests its client. Team t2 links x1 while x1 waits for client c2;
    // c2 turns out invisible, so the complete summary equals the one sent before t2 linked.
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't2', { name: 'Edge' })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't2')),
      ev('pm', 1, up('Project', 'x1', { name: 'Apollo' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('pm', 2, link('Team', 't1', 'projects', 'Project', 'x1')),
    ]);
    // x1 links a client (a placeholder, which reports null) and t2 links x1; x1 hears of t2 first.
    mesh.send('Project:x1', { op: 'apply', events: [ev('pm', 5, link('Project', 'x1', 'client', 'Client', 'c2'))] });
    mesh.send('Team:t2', { op: 'apply', events: [ev('pm', 6, link('Team', 't2', 'projects', 'Project', 'x1'))] });
    mesh.run();
    const team = mesh.states.get('Team:t2')!;
    assert.ok(team.neighbours['projects']?.['Project:x1'], 'the team heard from the project');
    assert.deepEqual((mesh.docs.get('Team:t2')!.body as { projects?: unknown }).projects, ['x1']);
  });

  it('reacts only where a carried field really changed', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't1', { name: 'Core', size: 1 })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
    ]);
    const before = mesh.reactions;
    mesh.send('Team:t1', { op: 'apply', events: [ev('org', 5, up('Team', 't1', { size: 2 }))] });
    mesh.run();
    assert.equal(mesh.reactions, before, 'size is carried by nobody: no reaction');
    mesh.send('Team:t1', { op: 'apply', events: [ev('org', 6, up('Team', 't1', { name: 'Kernel' }))] });
    mesh.run();
    assert.equal(mesh.reactions, before + 1, 'name is carried by the member: one reaction');
  });

  it('a source re-sending a link the edge already has costs no reaction, and its newer key still wins', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
    ]);
    const before = mesh.reactions;
    const docs = JSON.stringify([...mesh.docs]);
    // A row re-sent with the same foreign key: both ends already hold the edge and each other's news.
    mesh.send('Person:p1', { op: 'apply', events: [ev('org', 7, link('Person', 'p1', 'teams', 'Team', 't1'))] });
    mesh.run();
    assert.equal(mesh.reactions, before, 'no neighbour news for a link both ends had');
    assert.equal(JSON.stringify([...mesh.docs]), docs, 'the graph is the same');
    // The Team (a 'many' end) was not told the newer key. An unlink there older than the re-sent
    // link turns its cell off for a moment; the Person answers with its newer cell, which wins.
    const ops = mesh.operations;
    mesh.send('Team:t1', { op: 'apply', events: [ev('org', 5, link('Team', 't1', 'members', 'Person', 'p1', 'unlink'))] });
    mesh.run();
    assert.equal(mesh.operations - ops, 4, "the Team's unlink, its mirror, the Person's answer, the Team's news as after any relink");
    assert.deepEqual((mesh.docs.get('Team:t1')!.body as { members: string[] }).members, ['p1']);
    assert.deepEqual((mesh.docs.get('Person:p1')!.body as { teams: string[] }).teams, ['t1']);
    // A link that turns the edge back on after an unlink is news again.
    mesh.send('Team:t1', { op: 'apply', events: [ev('org', 8, link('Team', 't1', 'members', 'Person', 'p1', 'unlink'))] });
    mesh.send('Person:p1', { op: 'apply', events: [ev('org', 9, link('Person', 'p1', 'teams', 'Team', 't1'))] });
    mesh.run();
    assert.ok(mesh.reactions > before, 'the re-link after an unlink exchanges news');
    assert.deepEqual((mesh.docs.get('Person:p1')!.body as { teamInfo: unknown[] }).teamInfo, [{ id: 't1', name: 'Core' }]);
  });

  it("a re-sent link is still told to a 'one' end, which shows its newest link", () => {
    const mesh = single([
      ev('pm', 1, up('Project', 'x1', { name: 'Apollo' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('org', 1, up('Team', 't2', { name: 'Edge' })),
      ev('pm', 5, link('Team', 't1', 'projects', 'Project', 'x1')),
      ev('pm', 6, link('Team', 't2', 'projects', 'Project', 'x1')),
    ]);
    const newest = () => Object.entries(mesh.states.get('Project:x1')!.edges.team!).sort((a, b) => (a[1].k < b[1].k ? 1 : -1))[0]![0];
    assert.equal(newest(), 'Team:t2');
    mesh.send('Team:t1', { op: 'apply', events: [ev('pm', 9, link('Team', 't1', 'projects', 'Project', 'x1'), 'resent')] });
    mesh.run();
    assert.equal(newest(), 'Team:t1');
    assert.equal(mesh.states.get('Project:x1')!.edges.team!['Team:t1']!.ev, 'resent');
  });

  it('ignores late or repeated neighbour news (versions only grow)', () => {
    const ctx = new Mesh(model).ctx('Person:p1');
    let { state } = apply(undefined, { op: 'apply', events: [ev('hr', 1, up('Person', 'p1', { name: 'Ada' }))] }, ctx);
    state = apply(state, { op: 'edge', rel: 'teams', to: 'Team:t1', on: true, k: 's1|x', src: 'org', ev: 'x' }, ctx).state;
    state = apply(state, { op: 'neighbour', rel: 'teams', from: 'Team:t1', ver: 5, summary: { id: 't1', f: { name: 'New' } } }, ctx).state;
    const late = apply(state, { op: 'neighbour', rel: 'teams', from: 'Team:t1', ver: 4, summary: { id: 't1', f: { name: 'Old' } } }, ctx);
    assert.deepEqual(late.effects, []);
    assert.equal(late.state.neighbours.teams!['Team:t1']!.s!.f.name, 'New');
  });

  it('a deleted neighbour drops out of the carried fields', () => {
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: 'Ada' })),
      ev('org', 1, up('Team', 't1', { name: 'Core' })),
      ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
      ev('org', 3, { op: 'delete', type: 'Team', id: 't1' }),
    ]);
    assert.equal((mesh.docs.get('Person:p1')!.body as { teamInfo?: unknown[] }).teamInfo, undefined);
  });

  it('a one-relation shows its newest link', () => {
    const mesh = single([
      ev('pm', 1, up('Project', 'x1', { name: 'Apollo' })),
      ev('sales', 1, up('Client', 'c1', { name: 'A' })),
      ev('sales', 1, up('Client', 'c2', { name: 'B' })),
      ev('pm', 5, link('Project', 'x1', 'client', 'Client', 'c2')),
      ev('pm', 3, link('Project', 'x1', 'client', 'Client', 'c1')),
    ]);
    assert.equal((mesh.docs.get('Project:x1')!.body as { client: string }).client, 'c2');
  });
});

describe('node actor: high-degree relations', () => {
  function team(members: number) {
    const mesh = new Mesh(model);
    mesh.options = { maxInlineEdges: 3, buckets: 4 };
    const events = [ev('org', 1, up('Team', 'big', { name: 'Everyone' }))];
    for (let i = 0; i < members; i++)
      events.push(ev('hr', 1, up('Person', `m${i}`, { name: `M${i}` })), ev('org', 2, link('Person', `m${i}`, 'teams', 'Team', 'big')));
    for (const e of events) mesh.send(keyOf(e.change), { op: 'apply', events: [e] });
    mesh.run();
    return mesh;
  }

  it("keeps the spilled relation's links out of its history, so they never push out its own changes", () => {
    const mesh = team(12);
    const state = mesh.states.get('Team:big')!;
    assert.deepEqual(
      state.history.filter((h) => h.field === 'members'),
      [],
    );
    assert.deepEqual(state.horizon?.edges.members, undefined);
    assert.deepEqual(
      state.history.map((h) => [h.op, h.field]),
      [['set', 'name']],
    );
  });

  it('keeps the buckets in use as a bitmap', () => {
    let used = '';
    for (const n of [5, 0, 1023, 7, 5, 64]) used = withBucket(used, n);
    assert.equal(used.length, 256);
    assert.deepEqual(usedBuckets(used), [0, 5, 7, 64, 1023]);
  });

  it('spills a relation past the inline limit to buckets: the node keeps no cells and lists no ids', () => {
    const mesh = team(6);
    const state = mesh.states.get('Team:big')!;
    assert.equal(state.edges.members, undefined);
    assert.ok(state.spilled?.members && state.spilled.members.length > 0);
    const cells = [...mesh.buckets.values()].flatMap((b) => Object.keys(b.c)).sort();
    assert.deepEqual(cells, ['Person:m0', 'Person:m1', 'Person:m2', 'Person:m3', 'Person:m4', 'Person:m5']);
    assert.equal((mesh.docs.get('Team:big')!.body as { members?: string[] }).members, undefined);
  });

  it('a stale unlink of a spilled relation that reached the other end is corrected by the bucket holding the newer link', () => {
    // Person p1 links Team t3 (seq 1), re-sends that link (seq 4: a 'many' end is not told of a
    // re-assertion, so t3 keeps key 1) and links t1, so its teams spill (one cell kept inline).
    // Then an unlink of t3 with seq 3 arrives: p1 holds no cells to see it is stale, forwards it
    // to the bucket and passes it on to t3, whose older key lets it through.
    const mesh = new Mesh(model);
    mesh.options = { maxInlineEdges: 1, buckets: 2 };
    mesh.send('Person:p1', {
      op: 'apply',
      events: [
        ev('org', 1, link('Person', 'p1', 'teams', 'Team', 't3')),
        ev('org', 4, link('Person', 'p1', 'teams', 'Team', 't3')),
        ev('org', 2, link('Person', 'p1', 'teams', 'Team', 't1')),
      ],
    });
    mesh.run();
    assert.ok(mesh.states.get('Person:p1')!.spilled?.teams, 'the teams relation spilled');
    mesh.send('Person:p1', { op: 'apply', events: [ev('org', 3, link('Person', 'p1', 'teams', 'Team', 't3', 'unlink'))] });
    mesh.send('Team:t3', { op: 'apply', events: [ev('org', 5, up('Team', 't3', { name: 'Core' }))] });
    mesh.run();
    assert.deepEqual(mesh.docs.get('Team:t3')!.body, { id: 't3', name: 'Core', members: ['p1'] });
    assert.equal(
      mesh.states.get('Team:t3')!.edges.members?.['Person:p1']?.k,
      orderKey(4, undefined, mesh.states.get('Team:t3')!.edges.members!['Person:p1']!.ev),
    );
  });

  it('fans a change out through the buckets to every linked neighbour', () => {
    const mesh = team(6);
    mesh.send('Team:big', { op: 'apply', events: [ev('org', 9, up('Team', 'big', { name: 'All hands' }))] });
    mesh.run();
    for (let i = 0; i < 6; i++)
      assert.deepEqual((mesh.docs.get(`Person:m${i}`)!.body as { teamInfo: unknown }).teamInfo, [{ id: 'big', name: 'All hands' }], `member m${i}`);
  });

  it('fans out in a few chains of buckets, so the queue holds a few shares, not the whole degree', () => {
    const mesh = new Mesh(model);
    mesh.options = { maxInlineEdges: 3, buckets: 64 };
    const members = 640;
    mesh.send('Team:big', { op: 'apply', events: [ev('org', 1, up('Team', 'big', { name: 'Everyone' }))] });
    for (let i = 0; i < members; i++)
      mesh.send(`Person:m${i}`, {
        op: 'apply',
        events: [ev('hr', 1, up('Person', `m${i}`, { name: `M${i}` })), ev('org', 2, link('Person', `m${i}`, 'teams', 'Team', 'big'))],
      });
    mesh.run();
    mesh.peakQueued = 0;
    mesh.send('Team:big', { op: 'apply', events: [ev('org', 9, up('Team', 'big', { name: 'All hands' }))] });
    mesh.run();
    for (let i = 0; i < members; i++)
      assert.deepEqual((mesh.docs.get(`Person:m${i}`)!.body as { teamInfo: unknown }).teamInfo, [{ id: 'big', name: 'All hands' }], `member m${i}`);
    // 64 buckets of ~10 members, told in FANOUT_LANES (8) chains: ~8 shares queued at a time.
    const largestShare = Math.max(...[...mesh.buckets.values()].map((b) => Object.keys(b.c).length));
    assert.ok(mesh.peakQueued <= FANOUT_LANES * (largestShare + 1), `peak ${mesh.peakQueued} operations queued (a share is at most ${largestShare})`);
  });

  it('chains a fan-out bucket to bucket: the next one is a sibling, the last hands on nothing', () => {
    assert.equal(siblingBucket('Team:a|b|c|members|7', 12), 'Team:a|b|c|members|12');
    const lanes = fanoutLanes([0, 3, 5, 9, 10, 11, 20, 30, 31, 40], 4);
    assert.deepEqual(lanes, [
      [0, 10, 31],
      [3, 11, 40],
      [5, 20],
      [9, 30],
    ]);
    assert.deepEqual(fanoutLanes([2, 7], 8), [[2], [7]]);
    const summary = { id: 'Team:big', f: { name: 'X' } };
    const first = applyBucket(
      { c: { 'Person:p': { on: true, k: 'a', src: 'org', ev: 'e' } } },
      { op: 'fanout', rel: 'teams', from: 'Team:big', ver: 2, summary, next: [10, 31] },
      'Team:big|members|0',
    );
    assert.deepEqual(
      first.effects.map((e) => e.to),
      ['Person:p'],
    );
    assert.deepEqual(first.forward, { to: 'Team:big|members|10', message: { op: 'fanout', rel: 'teams', from: 'Team:big', ver: 2, summary, next: [31] } });
    const last = applyBucket(undefined, { op: 'fanout', rel: 'teams', from: 'Team:big', ver: 2, summary, next: [] }, 'Team:big|members|31');
    assert.equal(last.forward, undefined);
  });

  it('a member re-sending its link to a spilled relation gets no news back', () => {
    const mesh = team(6);
    const before = mesh.reactions;
    const ops = mesh.operations;
    mesh.send('Person:m0', { op: 'apply', events: [ev('org', 7, link('Person', 'm0', 'teams', 'Team', 'big'))] });
    mesh.run();
    assert.equal(mesh.reactions, before, 'the Team did not send its news again');
    // The member's apply only: a 'many' end shows the link whatever its key, so it is not told.
    assert.equal(mesh.operations - ops, 1);
  });

  it('a re-sent link crossing an unlink of the spilled owner still brings the owner news it missed', () => {
    const mesh = team(6);
    // The Team unlinks m0 while m0 re-sends its link (newer); the Team is renamed meanwhile, and
    // its fan-out passes m0's bucket while the cell there is off.
    mesh.send('Team:big', { op: 'apply', events: [ev('org', 5, link('Team', 'big', 'members', 'Person', 'm0', 'unlink'))] });
    mesh.send('Person:m0', { op: 'apply', events: [ev('org', 7, link('Person', 'm0', 'teams', 'Team', 'big'))] });
    mesh.send('Team:big', { op: 'apply', events: [ev('org', 9, up('Team', 'big', { name: 'Renamed' }))] });
    mesh.run();
    const cell = [...mesh.buckets.values()].find((b) => b.c['Person:m0'])!.c['Person:m0']!;
    assert.equal(cell.on, true, 'the newer link wins in the bucket: the member answered the older unlink with it');
    assert.equal(mesh.states.get('Person:m0')!.edges.teams!['Team:big']!.on, true);
    assert.deepEqual((mesh.docs.get('Person:m0')!.body as { teamInfo: unknown }).teamInfo, [{ id: 'big', name: 'Renamed' }]);
  });

  it('an unlink after the spill reaches the bucket: that neighbour no longer hears the news', () => {
    const mesh = team(5);
    mesh.send('Person:m0', { op: 'apply', events: [ev('org', 5, link('Person', 'm0', 'teams', 'Team', 'big', 'unlink'))] });
    mesh.run();
    mesh.send('Team:big', { op: 'apply', events: [ev('org', 9, up('Team', 'big', { name: 'Renamed' }))] });
    mesh.run();
    assert.equal((mesh.docs.get('Person:m0')!.body as { teamInfo?: unknown }).teamInfo, undefined);
    assert.deepEqual((mesh.docs.get('Person:m1')!.body as { teamInfo: unknown }).teamInfo, [{ id: 'big', name: 'Renamed' }]);
  });
});

describe('order keys', () => {
  it('order numerically across lengths, sequences below times, ties broken by event id', () => {
    const keys = [
      orderKey(10, undefined, 'a'),
      orderKey(9, undefined, 'z'),
      orderKey('123456789012345678901234567890', undefined, 'a'),
      orderKey(10, undefined, 'b'),
      orderKey(undefined, '2026-01-01T00:00:00Z', 'a'),
      orderKey('0009', undefined, 'y'),
    ];
    assert.deepEqual([...keys].sort(), [keys[5], keys[1], keys[0], keys[3], keys[2], keys[4]]);
    assert.deepEqual(describeKey(keys[2]!), { sequence: '123456789012345678901234567890' });
    assert.deepEqual(describeKey(keys[4]!), { time: '2026-01-01T00:00:00.000Z' });
  });

  it('refuses what cannot be ordered', () => {
    for (const bad of [-1, 1.5, '12a', '1'.repeat(41)] as const) assert.equal(orderKey(bad, undefined, 'x'), undefined);
    assert.equal(orderKey(undefined, 'yesterday', 'x'), undefined);
    assert.equal(orderKey(undefined, undefined, 'x'), undefined);
  });
});

describe('node actor: history', () => {
  it('keeps a bounded log of changes with event id, source and sequence', () => {
    const mesh = new Mesh(model);
    const ctx = { ...mesh.ctx('Person:p1'), historyLimit: 3 };
    let state;
    for (let i = 1; i <= 5; i++) state = apply(state, { op: 'apply', events: [ev('hr', i, up('Person', 'p1', { level: i }), `h${i}`)] }, ctx).state;
    assert.deepEqual(
      state!.history.map((h) => [h.ev, h.src, h.v]),
      [
        ['h3', 'hr', 3],
        ['h4', 'hr', 4],
        ['h5', 'hr', 5],
      ],
    );
  });

  it('dead-letters an upsert that would take the node past its field size bound, and keeps the rest', () => {
    const big = (c: string) => c.repeat(200_000);
    const mesh = single([
      ev('hr', 1, up('Person', 'p1', { name: big('a') }), 'first'),
      ev('hr', 2, up('Person', 'p1', { email: big('b'), level: 2 }), 'second'),
      ev('hr', 3, up('Person', 'p1', { name: big('c') }), 'third'),
    ]);
    assert.deepEqual(
      mesh.deadLetters.map((d) => d.event.id),
      ['second'],
    );
    assert.match(mesh.deadLetters[0]!.reason, /would hold 400\d{3} characters of values; a node keeps at most 300000/);
    const f = mesh.states.get('Person:p1')!.fields;
    assert.equal((f.name!.v as string)[0], 'c', 'replacing a large value with another fits');
    assert.equal(f.email, undefined);
    assert.equal(f.level, undefined, 'the event is refused whole');
  });

  it('keeps a large value out of the history, and the history within its size budget', () => {
    const mesh = new Mesh(model);
    const ctx = { ...mesh.ctx('Person:p1'), historyMaxChars: 10_000 };
    let state;
    // A 200 KB text changed 30 times: kept in the node, never in its history.
    for (let i = 1; i <= 30; i++)
      state = apply(state, { op: 'apply', events: [ev('hr', i, up('Person', 'p1', { name: String(i % 10).repeat(200_000) }), `big${i}`)] }, ctx).state;
    assert.equal((state!.fields.name!.v as string).length, 200_000);
    assert.equal(state!.history.length, 30);
    assert.ok(state!.history.every((h) => h.v === undefined && h.omitted === 200_002));
    assert.ok(JSON.stringify(state).length < 250_000, `state is ${JSON.stringify(state).length} characters`);
    // 3 KB values: 30 changes would be 90 KB of history; the newest 3 fit in 10 KB.
    for (let i = 31; i <= 60; i++)
      state = apply(state, { op: 'apply', events: [ev('hr', i, up('Person', 'p1', { name: String(i % 10).repeat(3000) }), `mid${i}`)] }, ctx).state;
    assert.deepEqual(
      state!.history.map((h) => h.ev),
      ['mid58', 'mid59', 'mid60'],
    );
    // What was dropped is folded into the baseline: the name as of the newest dropped change.
    assert.equal(state!.horizon?.fields.name?.v, '7'.repeat(3000));
  });
});
