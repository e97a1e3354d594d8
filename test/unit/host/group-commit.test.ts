import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TransactionAction } from '@azure/data-tables';
import { GroupCommitter, payloadChars } from '../../../host/entities/group-commit';

const row = (rk: string): TransactionAction => ['upsert', { partitionKey: 'p', rowKey: rk }, 'Replace'];

describe('GroupCommitter', () => {
  it('sends concurrent submissions for a partition as one transaction', async () => {
    const sent: number[] = [];
    const c = new GroupCommitter(async (actions) => void sent.push(actions.length));
    await Promise.all([c.submit('p', [row('a')]), c.submit('p', [row('b')]), c.submit('p', [row('c')])]);
    // The first goes alone (nothing in flight yet); the other two wait and share one transaction.
    assert.deepEqual(sent, [1, 2]);
    assert.equal(c.stats().transactions, 2);
  });

  it('never exceeds 100 operations or repeats a row in one transaction', async () => {
    const sent: TransactionAction[][] = [];
    const c = new GroupCommitter(async (actions) => void sent.push(actions));
    const big = Array.from({ length: 250 }, (_, i) => row(`r${i}`));
    await Promise.all([c.submit('p', big), c.submit('p', [row('r0')])]);
    for (const tx of sent) {
      assert.ok(tx.length <= 100);
      const keys = tx.map((a) => a[1].rowKey);
      assert.equal(new Set(keys).size, keys.length);
    }
    assert.equal(sent.flat().length, 251);
  });

  it('fails only the submission whose rows the service refuses', async () => {
    const c = new GroupCommitter(async (actions) => {
      if (actions.some((a) => a[1].rowKey === 'bad')) throw new Error('refused');
    });
    const first = c.submit('p', [row('warmup')]);
    const results = await Promise.allSettled([c.submit('p', [row('good1')]), c.submit('p', [row('bad')]), c.submit('p', [row('good2')])]);
    await first;
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });

  it('drains: resolves once nothing is queued or in flight', async () => {
    let release!: () => void;
    const c = new GroupCommitter(() => new Promise<void>((r) => (release = r)));
    const pending = c.submit('p', [row('a')]);
    let drained = false;
    const d = c.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(drained, false);
    release();
    await pending;
    await d;
    assert.equal(drained, true);
  });

  it('keeps a transaction under the body limit, counting row values at least at their serialized size', async () => {
    // States of JSON text: every quote escapes in the request body.
    const state = JSON.stringify({ log: Array.from({ length: 20_000 }, (_, i) => `entry ${i}`) });
    const action = (rk: string): TransactionAction => ['upsert', { partitionKey: 'p', rowKey: rk, c0: state, c1: state, cn: 2 }, 'Replace'];
    assert.ok(payloadChars([action('x')]) >= JSON.stringify([action('x')]).length, 'the estimate errs high');
    const sent: TransactionAction[][] = [];
    const c = new GroupCommitter(async (actions) => void sent.push(actions));
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.submit('p', [action(`s${i}`)])));
    for (const tx of sent) assert.ok(JSON.stringify(tx).length <= 3_500_000, `a transaction of ${JSON.stringify(tx).length} characters`);
    assert.ok(sent.length >= 3, 'large rows split into several transactions');
    assert.equal(sent.flat().length, 12);
  });
});
