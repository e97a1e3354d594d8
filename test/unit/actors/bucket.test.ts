// Edge buckets: a batch of fan-outs sends each neighbour only the newest news of each owner.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyBucket, newestPerTarget, type BucketEffect } from '../../../actors/bucket/logic';
import type { BucketMessage, BucketState } from '../../../actors/messages/bucket';

describe('edge bucket', () => {
  it('folds two fan-outs of one batch into one message per neighbour, the newest', () => {
    let state: BucketState | undefined;
    const effects: BucketEffect[] = [];
    const ops: BucketMessage[] = [
      {
        op: 'cells',
        cells: [
          { to: 'Line:l1', on: true, k: 'a', src: 'billing', ev: 'e1' },
          { to: 'Line:l2', on: true, k: 'a', src: 'billing', ev: 'e2' },
          { to: 'Line:l3', on: false, k: 'a', src: 'billing', ev: 'e3' },
        ],
      },
      { op: 'fanout', rel: 'plan', from: 'Plan:p1', ver: 3, summary: { id: 'Plan:p1', f: { name: 'Old' } } },
      { op: 'fanout', rel: 'plan', from: 'Plan:p1', ver: 4, summary: { id: 'Plan:p1', f: { name: 'New' } } },
    ];
    for (const message of ops) {
      const out = applyBucket(state, message, 'Plan:p1|lines|3');
      state = out.state;
      effects.push(...out.effects);
    }
    assert.equal(effects.length, 4);
    const sent = newestPerTarget(effects);
    assert.deepEqual(sent.map((e) => [e.to, e.message.op === 'neighbour' ? e.message.ver : -1]).sort(), [
      ['Line:l1', 4],
      ['Line:l2', 4],
    ]);
  });

  it('answers a cell older than its own and saying otherwise with its cell, to that neighbour; an older cell saying the same is dropped', () => {
    const key = 'Plan:p1|lines|3';
    let state = applyBucket(undefined, { op: 'cells', cells: [{ to: 'Line:l1', on: true, k: 'b', src: 'billing', ev: 'e2' }] }, key).state;
    const stale = applyBucket(
      state,
      { op: 'cells', cells: [{ to: 'Line:l1', on: false, k: 'a', src: 'billing', ev: 'e1' }], rel: 'plan', from: 'Plan:p1' },
      key,
    );
    state = stale.state;
    assert.deepEqual(state.c['Line:l1'], { on: true, k: 'b', src: 'billing', ev: 'e2' }, 'the newer cell stays');
    assert.deepEqual(stale.effects, [{ to: 'Line:l1', message: { op: 'edge', rel: 'plan', to: 'Plan:p1', on: true, k: 'b', src: 'billing', ev: 'e2' } }]);
    const same = applyBucket(state, { op: 'cells', cells: [{ to: 'Line:l1', on: true, k: 'a', src: 'billing', ev: 'e1' }], rel: 'plan', from: 'Plan:p1' }, key);
    assert.deepEqual(same.effects, []);
  });
});
