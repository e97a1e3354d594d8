import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPending, pendingSummary } from '../../../actors/projections/logic';
import { PendingOp, type PendingState } from '../../../actors/messages/projections';

describe('the pending-projection registry', () => {
  it('signals a node when due, backing off each retry, until it is removed', () => {
    const state: PendingState = { nodes: {} };
    applyPending(state, { op: PendingOp.add, key: 'T:a', cause: 'index down', at: 0 });
    assert.deepEqual(applyPending(state, { op: PendingOp.tick, now: 500 }), [], 'not due before a second');
    assert.deepEqual(applyPending(state, { op: PendingOp.tick, now: 1000 }), ['T:a']);
    assert.deepEqual(applyPending(state, { op: PendingOp.tick, now: 2500 }), [], 'the next retry waits two seconds');
    assert.deepEqual(applyPending(state, { op: PendingOp.tick, now: 3000 }), ['T:a']);
    applyPending(state, { op: PendingOp.add, key: 'T:a', cause: 'still down', at: 3100 });
    assert.equal(state.nodes['T:a']?.since, 0, 'a new failure keeps the first time');
    assert.equal(state.nodes['T:a']?.cause, 'still down');
    applyPending(state, { op: PendingOp.remove, key: 'T:a' });
    assert.deepEqual(applyPending(state, { op: PendingOp.tick, now: 1e9 }), []);
  });

  it('summarises the count and the oldest age over the shards', () => {
    const a: PendingState = { nodes: { 'T:a': { since: 100, attempts: 0, next: 0, cause: '' } } };
    const b: PendingState = { nodes: { 'T:b': { since: 400, attempts: 0, next: 0, cause: '' }, 'T:c': { since: 900, attempts: 0, next: 0, cause: '' } } };
    assert.deepEqual(pendingSummary([a, undefined, b], 1000), { documents: 3, oldestMs: 900 });
    assert.deepEqual(pendingSummary([undefined], 1000), { documents: 0, oldestMs: 0 });
  });
});
