// Node ids: ingestion refuses what the cold app could not address (found by the reliability fuzzer:
// a link to `Team/\u0000` was accepted and created a node no endpoint could read).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEvents } from '../../../../core/ingest/check';
import { isValidNodeId } from '../../../../core/ingest/node-id';
import { graphProduct } from '../../../fixtures/graph-product';

const upsert = (subject: string) => ({
  specversion: '1.0',
  id: `e-${subject.length}`,
  source: 'hr',
  type: 'meshgraph.node.upsert',
  subject,
  sequence: 1,
  data: { name: 'x' },
});
const link = (to: string) => ({
  specversion: '1.0',
  id: 'l1',
  source: 'org',
  type: 'meshgraph.edge.link',
  subject: 'Person/p1',
  sequence: 1,
  data: { rel: 'teams', to },
});

describe('node ids', () => {
  it('takes 1-256 characters, astral ones included, without control characters or lone surrogates', () => {
    for (const ok of ['p1', 'a b', '🦄', 'x'.repeat(256), '日本', '\u00a0']) assert.equal(isValidNodeId(ok), true, JSON.stringify(ok));
    for (const bad of ['', 'x'.repeat(257), 'a\u0000b', '\u001f', '\u007f', '\ud800', 'a\udfffb', '\udc00\ud800'])
      assert.equal(isValidNodeId(bad), false, JSON.stringify(bad));
  });

  it('refuses events whose subject or link target is not a valid node id, with the reason', () => {
    const events = [
      upsert('Person/ok'),
      upsert('Person/a\u0000b'),
      upsert(`Person/${'x'.repeat(300)}`),
      upsert('Person/\ud800'),
      link('Team/\u0000'),
      link('Team/\udfff'),
      link('Team/t1'),
    ];
    const { accepted, rejected } = checkEvents(graphProduct, events);
    assert.deepEqual(
      accepted.map((a) => a.index),
      [0, 6],
    );
    assert.deepEqual(
      rejected.map((r) => r.index),
      [1, 2, 3, 4, 5],
    );
    for (const r of rejected) assert.match(r.reason, /node id must be 1-256 characters/);
  });
});
