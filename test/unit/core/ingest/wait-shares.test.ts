import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  WAIT_TOTAL,
  cut,
  decodeShare,
  encodeShare,
  eventShares,
  isComplete,
  outstanding,
  splitShares,
  union,
  type Interval,
} from '../../../../core/ingest/wait-shares';

describe('wait shares (weight throwing over intervals)', () => {
  it('cuts a request into one part per event, covering it exactly', () => {
    const parts = eventShares(7);
    assert.equal(parts.length, 7);
    assert.ok(isComplete(parts));
    assert.ok(!isComplete(parts.slice(1)));
    assert.equal(outstanding(parts.slice(1)) > 0.14 && outstanding(parts.slice(1)) < 0.15, true);
  });

  it('counts a part returned twice once (a redelivered message)', () => {
    const [a, b] = eventShares(2);
    assert.ok(!isComplete([a!, a!]));
    assert.ok(isComplete([a!, b!, a!]));
  });

  it('splits shares so every message carries a non-empty part of every request, and nothing is lost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 4 }), (events, k, depth) => {
        // A chain of splits, as reactions fan out hop after hop: the leaves still cover the whole.
        let level: Interval[][] = [eventShares(events)];
        for (let d = 0; d < depth; d++) level = level.flatMap((list) => splitShares({ t: list }, d % 2 ? k : 3).map((s) => s['t']!));
        assert.ok(level.every((list) => list.length > 0));
        assert.ok(isComplete(level.flat()));
      }),
      { numRuns: 60 },
    );
  });

  it('encodes a share for a CloudEvents attribute and refuses a malformed one', () => {
    const [part] = cut(['0', WAIT_TOTAL.toString()], 3);
    assert.deepEqual(decodeShare(encodeShare(part!)), part);
    for (const bad of ['', '5-5', '9-1', 'a-b', `0-${(WAIT_TOTAL + 1n).toString()}`, 7, null]) assert.equal(decodeShare(bad), undefined, String(bad));
  });

  it('merges returned parts into few intervals', () => {
    assert.deepEqual(
      union(
        [
          ['10', '20'],
          ['0', '10'],
          ['30', '40'],
        ],
        [['15', '35']],
      ),
      [['0', '40']],
    );
  });
});
