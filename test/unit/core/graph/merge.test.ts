// The merge rules of one node (core/graph/merge.ts) on plain state: every rule a last-writer-wins
// register keyed by the order key, what each returns (the actor tells neighbours from it), and the
// history entries it writes. The actor built on them is tested in test/unit/actors/node/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  deleteNode,
  forwardEdge,
  HISTORY_VALUE_MAX_CHARS,
  holders,
  setEdge,
  setNeighbour,
  spillEdges,
  upsertFields,
  type Origin,
} from '../../../../core/graph/merge';
import { emptyNodeState, usedBuckets, type NodeState } from '../../../../core/graph/node-state';
import { orderKey } from '../../../../core/graph/order';

const NOW = '2026-03-01T12:00:00.000Z';

/** The origin of source `src`'s change number `seq` (event id `ev`, unique per event as in ingestion). */
function at(seq: number, src = 'hr', ev = `${src}-${seq}`, time?: string): Origin {
  return { ev, src, k: orderKey(seq, undefined, ev)!, ...(time ? { at: time } : {}) };
}

const person = (): NodeState => emptyNodeState('Person', 'p1');

describe('upsertFields', () => {
  it('sets each field with the key, source and event that set it, and returns the names it changed', () => {
    const state = person();
    assert.deepEqual(upsertFields(state, { name: 'Ada', level: 3 }, at(1), NOW), ['name', 'level']);
    assert.deepEqual(state.fields.name, { v: 'Ada', k: at(1).k, src: 'hr', ev: 'hr-1' });
    assert.deepEqual(state.fields.level, { v: 3, k: at(1).k, src: 'hr', ev: 'hr-1' });
  });

  it('writes one history entry per field set, stamped with the event time, else with now', () => {
    const state = person();
    upsertFields(state, { name: 'Ada' }, at(1, 'hr', 'e1', '2026-01-05T00:00:00.000Z'), NOW);
    upsertFields(state, { level: 2, email: null }, at(2, 'hr', 'e2'), NOW);
    assert.deepEqual(state.history, [
      { at: '2026-01-05T00:00:00.000Z', ev: 'e1', src: 'hr', k: at(1, 'hr', 'e1').k, op: 'set', field: 'name', v: 'Ada' },
      { at: NOW, ev: 'e2', src: 'hr', k: at(2, 'hr', 'e2').k, op: 'set', field: 'level', v: 2 },
      { at: NOW, ev: 'e2', src: 'hr', k: at(2, 'hr', 'e2').k, op: 'set', field: 'email', v: null },
    ]);
    assert.equal(state.fields.name!.at, '2026-01-05T00:00:00.000Z', 'the cell keeps the event time');
    assert.equal('at' in state.fields.level!, false, 'and none when the event had none');
  });

  it('last writer wins by order key, not by arrival: a late older value is ignored and leaves no history', () => {
    const state = person();
    upsertFields(state, { name: 'New' }, at(5), NOW);
    const history = structuredClone(state.history);
    assert.deepEqual(upsertFields(state, { name: 'Old' }, at(3), NOW), []);
    assert.equal(state.fields.name!.v, 'New');
    assert.deepEqual(state.history, history);
    assert.deepEqual(upsertFields(state, { name: 'Newer' }, at(7), NOW), ['name']);
    assert.equal(state.fields.name!.v, 'Newer');
  });

  it('compares sequences numerically (10 after 9), not as text', () => {
    const state = person();
    upsertFields(state, { level: 10 }, at(10), NOW);
    assert.deepEqual(upsertFields(state, { level: 9 }, at(9), NOW), []);
    assert.equal(state.fields.level!.v, 10);
  });

  it('treats the same event applied again as a no-op', () => {
    const state = person();
    upsertFields(state, { name: 'Ada' }, at(1), NOW);
    const before = structuredClone(state);
    assert.deepEqual(upsertFields(state, { name: 'Ada' }, at(1), NOW), []);
    assert.deepEqual(state, before);
  });

  it('decides field by field: one event can be newer for one field and older for another', () => {
    const state = person();
    upsertFields(state, { name: 'Ada' }, at(2), NOW);
    upsertFields(state, { level: 9 }, at(8), NOW);
    assert.deepEqual(upsertFields(state, { name: 'Grace', level: 1 }, at(5), NOW), ['name']);
    assert.deepEqual([state.fields.name!.v, state.fields.level!.v], ['Grace', 9]);
  });

  it('null clears a field but keeps its key, so an older value cannot come back', () => {
    const state = person();
    upsertFields(state, { level: 2 }, at(1), NOW);
    assert.deepEqual(upsertFields(state, { level: null }, at(3), NOW), ['level']);
    assert.deepEqual(state.fields.level, { v: null, k: at(3).k, src: 'hr', ev: 'hr-3' });
    assert.deepEqual(upsertFields(state, { level: 7 }, at(2), NOW), []);
    assert.equal(state.fields.level!.v, null);
  });

  it("ignores the deleting source's upserts up to its delete, whole, and accepts other sources' and later ones", () => {
    const state = person();
    deleteNode(state, at(5), NOW);
    const before = structuredClone(state);
    assert.deepEqual(upsertFields(state, { name: 'Zombie', level: 1 }, at(3), NOW), [], 'older than the delete');
    assert.deepEqual(upsertFields(state, { name: 'Zombie' }, at(5, 'hr', 'hr-5'), NOW), [], 'the delete event itself');
    assert.deepEqual(state, before, 'no field and no history');
    assert.deepEqual(upsertFields(state, { team: 'Core' }, at(3, 'org'), NOW), ['team'], "another source's older change is not the delete's business");
    assert.deepEqual(upsertFields(state, { name: 'Back' }, at(6), NOW), ['name']);
    assert.equal(state.fields.name!.v, 'Back');
  });

  it(`keeps a value over HISTORY_VALUE_MAX_CHARS (${HISTORY_VALUE_MAX_CHARS}) in the node but only its length in the history`, () => {
    const state = person();
    const fits = 'a'.repeat(HISTORY_VALUE_MAX_CHARS - 2); // a string's JSON adds its two quotes
    const over = 'b'.repeat(HISTORY_VALUE_MAX_CHARS - 1);
    upsertFields(state, { name: fits }, at(1), NOW);
    upsertFields(state, { name: over }, at(2), NOW);
    assert.equal(state.fields.name!.v, over);
    assert.equal(state.history[0]!.v, fits);
    assert.equal('v' in state.history[1]!, false);
    assert.equal(state.history[1]!.omitted, HISTORY_VALUE_MAX_CHARS + 1);
  });
});

describe('deleteNode', () => {
  it("leaves a tombstone and drops the deleting source's fields set up to it; others' and later ones stay", () => {
    const state = person();
    upsertFields(state, { name: 'Ada', level: 1 }, at(1), NOW);
    upsertFields(state, { level: 8 }, at(8), NOW);
    upsertFields(state, { team: 'Core' }, at(2, 'org'), NOW);
    assert.equal(deleteNode(state, at(5, 'hr', 'del', '2026-02-01T00:00:00.000Z'), NOW), true);
    assert.deepEqual(state.tomb, { k: at(5, 'hr', 'del').k, src: 'hr', ev: 'del', at: '2026-02-01T00:00:00.000Z' });
    assert.deepEqual(Object.keys(state.fields).sort(), ['level', 'team']);
    assert.equal(state.fields.level!.v, 8);
    assert.deepEqual(state.history.at(-1), { at: '2026-02-01T00:00:00.000Z', ev: 'del', src: 'hr', k: at(5, 'hr', 'del').k, op: 'delete' });
  });

  it("drops a field set with the delete's own key too: up to and including it", () => {
    const state = person();
    upsertFields(state, { name: 'Ada' }, at(5, 'hr', 'same'), NOW);
    deleteNode(state, at(5, 'hr', 'same'), NOW);
    assert.equal(state.fields.name, undefined);
  });

  it('ignores a delete no newer than the tombstone it has (late or repeated), and a newer one moves it', () => {
    const state = person();
    deleteNode(state, at(5), NOW);
    const before = structuredClone(state);
    assert.equal(deleteNode(state, at(4), NOW), false);
    assert.equal(deleteNode(state, at(5), NOW), false);
    assert.deepEqual(state, before, 'tomb and history unchanged');
    assert.equal(deleteNode(state, at(9), NOW), true);
    assert.equal(state.tomb!.k, at(9).k);
    assert.equal('at' in state.tomb!, false, 'no event time, none kept');
    assert.deepEqual(
      state.history.map((h) => [h.op, h.at]),
      [
        ['delete', NOW],
        ['delete', NOW],
      ],
    );
  });
});

describe('setEdge', () => {
  it("a new link is a flip: the cell holds it with its key, source and event, and the history says 'link'", () => {
    const state = person();
    assert.equal(setEdge(state, 'teams', 'Team:t1', true, at(2, 'org'), NOW), 'flipped');
    assert.deepEqual(state.edges.teams, { 'Team:t1': { on: true, k: at(2, 'org').k, src: 'org', ev: 'org-2' } });
    assert.deepEqual(state.history, [{ at: NOW, ev: 'org-2', src: 'org', k: at(2, 'org').k, op: 'link', field: 'teams', to: 'Team:t1' }]);
  });

  it('a newer link of an edge already on is a re-assertion: the key advances, no flip (no news for neighbours)', () => {
    const state = person();
    setEdge(state, 'teams', 'Team:t1', true, at(2, 'org'), NOW);
    assert.equal(setEdge(state, 'teams', 'Team:t1', true, at(7, 'org', 'resent'), NOW), 'reasserted');
    assert.deepEqual(state.edges.teams!['Team:t1'], { on: true, k: at(7, 'org', 'resent').k, src: 'org', ev: 'resent' });
    // Kept in the history all the same: time travel compares keys across a 'one' relation's cells.
    assert.deepEqual(
      state.history.map((h) => [h.op, h.ev]),
      [
        ['link', 'org-2'],
        ['link', 'resent'],
      ],
    );
  });

  it('an unlink of a linked edge flips it off; a newer unlink of an edge already off is a re-assertion', () => {
    const state = person();
    setEdge(state, 'teams', 'Team:t1', true, at(2, 'org'), NOW);
    assert.equal(setEdge(state, 'teams', 'Team:t1', false, at(3, 'org'), NOW), 'flipped');
    assert.equal(state.edges.teams!['Team:t1']!.on, false);
    assert.equal(setEdge(state, 'teams', 'Team:t1', false, at(4, 'org'), NOW), 'reasserted');
    assert.equal(setEdge(state, 'teams', 'Team:t1', true, at(5, 'org'), NOW), 'flipped', 'a relink after an unlink is news again');
    assert.deepEqual(
      state.history.map((h) => h.op),
      ['link', 'unlink', 'unlink', 'link'],
    );
  });

  it('an unlink of a neighbour never linked is a flip: the cell is new and remembers it is off', () => {
    const state = person();
    assert.equal(setEdge(state, 'teams', 'Team:t1', false, at(3, 'org'), NOW), 'flipped');
    assert.deepEqual(state.edges.teams!['Team:t1'], { on: false, k: at(3, 'org').k, src: 'org', ev: 'org-3' });
    assert.equal(setEdge(state, 'teams', 'Team:t1', true, at(2, 'org'), NOW), undefined, 'so an older link arriving late stays off');
  });

  it('an event no newer than the cell changes nothing and writes no history (late or repeated)', () => {
    const state = person();
    setEdge(state, 'teams', 'Team:t1', true, at(5, 'org'), NOW);
    const before = structuredClone(state);
    assert.equal(setEdge(state, 'teams', 'Team:t1', false, at(4, 'org'), NOW), undefined);
    assert.equal(setEdge(state, 'teams', 'Team:t1', true, at(5, 'org'), NOW), undefined);
    assert.deepEqual(state, before);
  });

  it('keeps one cell per neighbour and relation, independent of the others', () => {
    const state = person();
    setEdge(state, 'teams', 'Team:t1', true, at(5, 'org'), NOW);
    assert.equal(setEdge(state, 'teams', 'Team:t2', true, at(1, 'org'), NOW), 'flipped', 'older than the other cell, but its own cell is new');
    assert.equal(setEdge(state, 'projects', 'Team:t1', true, at(1, 'pm'), NOW), 'flipped');
    assert.deepEqual(Object.keys(state.edges.teams!).sort(), ['Team:t1', 'Team:t2']);
  });
});

describe('holders', () => {
  function linked(): NodeState {
    const state = person();
    setEdge(state, 'teams', 'Team:t3', true, at(2, 'org'), NOW);
    setEdge(state, 'teams', 'Team:t1', true, at(6, 'org'), NOW);
    setEdge(state, 'teams', 'Team:t2', true, at(4, 'org'), NOW);
    setEdge(state, 'teams', 'Team:t9', true, at(7, 'org'), NOW);
    setEdge(state, 'teams', 'Team:t9', false, at(9, 'org'), NOW);
    return state;
  }

  it("a 'many' relation holds every neighbour linked now, sorted, not the unlinked ones", () => {
    assert.deepEqual(holders(linked(), 'teams', false), ['Team:t1', 'Team:t2', 'Team:t3']);
  });

  it("a 'one' relation holds the linked neighbour with the newest key; a newer unlink does not count", () => {
    assert.deepEqual(holders(linked(), 'teams', true), ['Team:t1']);
  });

  it('a relation with no linked neighbour holds none', () => {
    const state = person();
    assert.deepEqual(holders(state, 'teams', false), []);
    assert.deepEqual(holders(state, 'teams', true), []);
    setEdge(state, 'teams', 'Team:t1', false, at(1, 'org'), NOW);
    assert.deepEqual(holders(state, 'teams', true), []);
  });
});

describe('setNeighbour', () => {
  it("keeps a neighbour's news only when its version is newer: late or repeated news is ignored", () => {
    const state = person();
    assert.equal(setNeighbour(state, 'teams', 'Team:t1', 3, { id: 't1', f: { name: 'Core' } }), true);
    assert.equal(setNeighbour(state, 'teams', 'Team:t1', 2, { id: 't1', f: { name: 'Older' } }), false);
    assert.equal(setNeighbour(state, 'teams', 'Team:t1', 3, { id: 't1', f: { name: 'Same version' } }), false);
    assert.deepEqual(state.neighbours.teams!['Team:t1'], { ver: 3, s: { id: 't1', f: { name: 'Core' } } });
    assert.equal(setNeighbour(state, 'teams', 'Team:t1', 4, null), true, 'a neighbour gone invisible reports null');
    assert.deepEqual(state.neighbours.teams!['Team:t1'], { ver: 4, s: null });
  });

  it('keeps each neighbour version by neighbour and relation', () => {
    const state = person();
    setNeighbour(state, 'teams', 'Team:t1', 9, { id: 't1', f: {} });
    assert.equal(setNeighbour(state, 'teams', 'Team:t2', 1, { id: 't2', f: {} }), true);
    assert.equal(setNeighbour(state, 'leads', 'Team:t1', 1, { id: 't1', f: {} }), true);
  });
});

/** Two neighbour ids that fall in different buckets of `buckets`. */
function twoBuckets(buckets: number): [string, string, number, number] {
  const probe = person();
  const first = forwardEdge(probe, 'members', 'Person:m0', true, at(1), buckets, NOW, false);
  for (let i = 1; ; i++) {
    const n = forwardEdge(probe, 'members', `Person:m${i}`, true, at(1), buckets, NOW, false);
    if (n !== first) return ['Person:m0', `Person:m${i}`, first, n];
  }
}

describe('forwardEdge', () => {
  it("returns the neighbour's bucket and marks it in use for the relation, keeping no cell in the node", () => {
    const state = person();
    const [a, b, na, nb] = twoBuckets(8);
    assert.equal(forwardEdge(state, 'members', a, true, at(2, 'org'), 8, NOW, true), na);
    assert.equal(forwardEdge(state, 'members', a, false, at(3, 'org'), 8, NOW, true), na, 'the same neighbour, the same bucket');
    assert.equal(forwardEdge(state, 'members', b, true, at(4, 'org'), 8, NOW, true), nb);
    assert.deepEqual(
      usedBuckets(state.spilled!.members),
      [na, nb].sort((x, y) => x - y),
    );
    assert.ok(na >= 0 && na < 8 && nb >= 0 && nb < 8);
    assert.equal(state.edges.members, undefined);
  });

  it("writes the node's own links and unlinks to its history, not the mirrors of the other end", () => {
    const state = person();
    forwardEdge(state, 'members', 'Person:m1', true, at(2, 'org'), 4, NOW, true);
    forwardEdge(state, 'members', 'Person:m1', false, at(3, 'org'), 4, NOW, true);
    forwardEdge(state, 'members', 'Person:m2', true, at(4, 'org'), 4, NOW, false);
    assert.deepEqual(
      state.history.map((h) => [h.op, h.field, h.to, h.ev]),
      [
        ['link', 'members', 'Person:m1', 'org-2'],
        ['unlink', 'members', 'Person:m1', 'org-3'],
      ],
    );
  });
});

describe('spillEdges', () => {
  function team(): NodeState {
    const state = emptyNodeState('Team', 't1');
    upsertFields(state, { name: 'Core' }, at(1, 'org'), NOW);
    for (let i = 0; i < 6; i++) setEdge(state, 'members', `Person:m${i}`, i !== 3, at(10 + i, 'org'), NOW);
    setEdge(state, 'projects', 'Project:x1', true, at(20, 'pm'), NOW);
    for (let i = 0; i < 6; i++) setNeighbour(state, 'members', `Person:m${i}`, 1, { id: `m${i}`, f: {} });
    setNeighbour(state, 'projects', 'Project:x1', 1, { id: 'x1', f: {} });
    state.horizon = { at: NOW, fields: {}, edges: { members: { 'Person:old': { on: true, k: at(0, 'org').k } }, projects: {} } };
    return state;
  }

  it('moves every cell of the relation out, grouped by the bucket forwardEdge sends later changes to', () => {
    const state = team();
    const cells = structuredClone(state.edges.members!);
    const byBucket = spillEdges(state, 'members', 4);
    const moved = [...byBucket.values()].flat();
    assert.deepEqual(Object.fromEntries(moved.map(({ to, ...cell }) => [to, cell])), cells, 'every cell, on or off, with its key');
    for (const [n, list] of byBucket) {
      for (const { to } of list) assert.equal(forwardEdge(person(), 'members', to, true, at(99), 4, NOW, false), n, `${to} in bucket ${n}`);
    }
    assert.deepEqual(
      usedBuckets(state.spilled!.members),
      [...byBucket.keys()].sort((a, b) => a - b),
    );
  });

  it('leaves the node nothing of the relation: no cells, no neighbour news, no link history, no horizon edges; the rest stays', () => {
    const state = team();
    spillEdges(state, 'members', 4);
    assert.equal(state.edges.members, undefined);
    assert.equal(state.neighbours.members, undefined);
    assert.equal(state.horizon!.edges.members, undefined);
    assert.deepEqual(
      state.history.map((h) => [h.op, h.field]),
      [
        ['set', 'name'],
        ['link', 'projects'],
      ],
    );
    assert.deepEqual(Object.keys(state.edges.projects!), ['Project:x1']);
    assert.deepEqual(Object.keys(state.neighbours.projects!), ['Project:x1']);
    assert.deepEqual(state.horizon!.edges.projects, {});
    assert.equal(state.fields.name!.v, 'Core');
  });
});

describe('merge: order independence', () => {
  // One owner ('hr') writes name and level and deletes; 'org' writes team and links (the actor
  // refuses a field or delete from a source that does not own it, so these are the cases it merges).
  type Op =
    { kind: 'upsert'; src: 'hr' | 'org'; fields: Record<string, string | number | null> } | { kind: 'delete' } | { kind: 'edge'; to: string; on: boolean };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('upsert' as const),
      src: fc.constant('hr' as const),
      fields: fc.record({ name: fc.constantFrom('Ada', 'Bob', null), level: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] }),
    }),
    fc.record({ kind: fc.constant('upsert' as const), src: fc.constant('org' as const), fields: fc.record({ team: fc.constantFrom('Core', 'Edge') }) }),
    fc.constant({ kind: 'delete' as const }),
    fc.record({ kind: fc.constant('edge' as const), to: fc.constantFrom('Team:t1', 'Team:t2'), on: fc.boolean() }),
  );
  const events = fc
    .array(fc.tuple(op, fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 25 })
    .map((ops) => ops.map(([o, seq], i) => ({ o, origin: at(seq, o.kind === 'upsert' ? o.src : o.kind === 'delete' ? 'hr' : 'org', `e${i}`) })));

  function merged(list: Array<{ o: Op; origin: Origin }>) {
    const state = person();
    for (const { o, origin } of list) {
      if (o.kind === 'upsert') upsertFields(state, o.fields, origin, NOW);
      else if (o.kind === 'delete') deleteNode(state, origin, NOW);
      else setEdge(state, 'teams', o.to, o.on, origin, NOW);
    }
    return { fields: state.fields, tomb: state.tomb, edges: state.edges, teams: holders(state, 'teams', true) };
  }

  it('gives the same fields, tombstone and edges for any arrival order and duplication of the same events', () => {
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 5 }), fc.nat(), (list, dup, seed) => {
        const again = [...list, ...dup.map((i) => list[i % list.length]!)];
        const shuffled = fc.sample(fc.shuffledSubarray(again, { minLength: again.length }), { seed, numRuns: 1 })[0]!;
        assert.deepEqual(merged(shuffled), merged(list));
      }),
      { numRuns: 300 },
    );
  });
});
