// Time travel: the node at a past time, rebuilt from its history (and the baseline of entries
// that aged out), and a clear refusal before the history horizon.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apply } from '../../../actors/node/logic';
import type { NodeEvent } from '../../../actors/messages/node';
import type { NodeState } from '../../../core/graph/node-state';
import { computeNeeds } from '../../../core/graph/needs';
import { orderKey } from '../../../core/graph/order';
import { BeforeHistory, stateAsOf } from '../../../core/graph/time-travel';
import { graphProduct } from '../../fixtures/graph-product';

const model = graphProduct.model;
const needs = computeNeeds(model);
const at = (day: number) => `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;

function event(seq: number, day: number, fields: Record<string, unknown>): NodeEvent {
  const id = `e${seq}`;
  return { id, source: 'hr', k: orderKey(seq, undefined, id)!, time: at(day), change: { op: 'upsert', type: 'Person', id: 'p1', fields: fields as never } };
}

function person(events: NodeEvent[], historyLimit = 100): NodeState {
  let state: NodeState | undefined;
  for (const e of events)
    state = apply(state, { op: 'apply', events: [e] }, { model, needs, key: 'Person:p1', now: at(28), historyLimit, historyMaxAgeMs: 365 * 86_400_000 }).state;
  return state!;
}

const levelAt = (state: NodeState, day: number) => stateAsOf(state, Date.parse(at(day))).fields.level?.v;

describe('time travel', () => {
  const events = [event(1, 1, { name: 'Ada', level: 1 }), event(2, 5, { level: 2 }), event(3, 10, { level: 3 }), event(4, 15, { level: 4 })];

  it('shows a value too large for the history while it is still current, and null once replaced', () => {
    const big = (c: string) => c.repeat(10_000);
    const state = person([event(1, 1, { name: big('a') }), event(2, 5, { name: big('b') })]);
    const nameAt = (day: number) => stateAsOf(state, Date.parse(at(day))).fields.name?.v;
    assert.equal(nameAt(7), big('b'));
    assert.equal(nameAt(2), null, 'a replaced large value is not kept');
    assert.ok(state.history.every((h) => h.v === undefined && h.omitted === 10_002));
  });

  it('rebuilds the fields as they were at a time', () => {
    const state = person(events);
    assert.equal(levelAt(state, 1), 1);
    assert.equal(levelAt(state, 7), 2);
    assert.equal(levelAt(state, 20), 4);
    assert.deepEqual(stateAsOf(state, Date.parse('2025-12-31T00:00:00Z')).fields, {}, 'nothing before the first change');
  });

  it('keeps answering after old entries age out, from the baseline they fold into', () => {
    const state = person(events, 2);
    assert.equal(state.history.length, 2);
    assert.equal(state.horizon?.at, at(5));
    assert.equal(levelAt(state, 5), 2);
    assert.equal(levelAt(state, 12), 3);
    assert.equal(stateAsOf(state, Date.parse(at(12))).fields.name?.v, 'Ada', 'a field last set before the horizon comes from the baseline');
  });

  it('refuses a time before the horizon, saying how far back history goes', () => {
    const state = person(events, 2);
    assert.throws(
      () => stateAsOf(state, Date.parse(at(3))),
      (e: unknown) => e instanceof BeforeHistory && e.horizon === at(5),
    );
  });
});
