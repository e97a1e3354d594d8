import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from '../../../host/entities/fifo';

describe('Fifo', () => {
  it('keeps first-in first-out order across compactions', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift()!);
    }
    while (q.size > 0) out.push(q.shift()!);
    assert.deepEqual(
      out,
      Array.from({ length: 5000 }, (_, i) => i),
    );
    assert.equal(q.shift(), undefined);
  });
});

describe('RecentCache', () => {
  it('keeps recently used entries within its capacity and forgets old ones', async () => {
    const { RecentCache } = await import('../../../core/recent-cache');
    const cache = new RecentCache<number, string>(100);
    cache.set(0, 'v0');
    for (let i = 1; i < 1000; i++) {
      cache.set(i, `v${i}`);
      assert.equal(cache.get(0), 'v0', 'an entry used all along stays');
    }
    assert.ok(cache.size <= 100);
    assert.equal(cache.get(999), 'v999');
    assert.equal(cache.get(500), undefined);
  });
});
