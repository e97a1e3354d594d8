import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRandom, seedFor } from '../../../../core/demo/random';

describe('seeded random', () => {
  it('repeats the same sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = createRandom(seed);
        const b = createRandom(seed);
        for (let i = 0; i < 20; i++) assert.equal(a.next(), b.next());
      }),
    );
  });

  it('stays in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 }), (seed, min, span) => {
        const rng = createRandom(seed);
        for (let i = 0; i < 20; i++) {
          const f = rng.next();
          assert.ok(f >= 0 && f < 1);
          const n = rng.int(min, min + span);
          assert.ok(Number.isInteger(n) && n >= min && n <= min + span);
        }
      }),
    );
  });

  it('gives neighbouring streams different seeds and a fair coin', () => {
    const seeds = new Set(Array.from({ length: 10_000 }, (_, i) => seedFor(1, i)));
    assert.equal(seeds.size, 10_000);
    const rng = createRandom(seedFor(7, 0));
    let heads = 0;
    for (let i = 0; i < 10_000; i++) if (rng.chance(0.5)) heads++;
    assert.ok(heads > 4_800 && heads < 5_200, `heads ${heads}`);
  });
});
