// Convergence: any order, any duplication, any batch split of the same events gives the same
// final graph (property-based; a failure prints the seed and the shrunk event list).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { graphProduct } from '../../../fixtures/graph-product';
import { ev, keyOf, Mesh } from './harness';
import type { NodeEvent } from '../../../../actors/messages/node';
import type { NodeContext } from '../../../../actors/node/logic';
import type { CanonicalChange } from '../../../../core/contracts/dsl';

const model = graphProduct.model;

const ids = (prefix: string) => fc.constantFrom(`${prefix}1`, `${prefix}2`, `${prefix}3`);
const change: fc.Arbitrary<[string, CanonicalChange]> = fc.oneof(
  fc
    .tuple(ids('p'), fc.constantFrom('Ada', 'Bob', null), fc.integer({ min: 1, max: 5 }))
    .map(([id, name, level]) => ['hr', { op: 'upsert', type: 'Person', id, fields: { name, level } }] as [string, CanonicalChange]),
  fc
    .tuple(ids('t'), fc.constantFrom('Core', 'Edge'))
    .map(([id, name]) => ['org', { op: 'upsert', type: 'Team', id, fields: { name } }] as [string, CanonicalChange]),
  fc
    .tuple(ids('x'), fc.constantFrom('Apollo', 'Gemini'))
    .map(([id, name]) => ['pm', { op: 'upsert', type: 'Project', id, fields: { name } }] as [string, CanonicalChange]),
  fc
    .tuple(ids('c'), fc.constantFrom('Acme', 'Initech'))
    .map(([id, name]) => ['sales', { op: 'upsert', type: 'Client', id, fields: { name } }] as [string, CanonicalChange]),
  fc
    .tuple(ids('p'), ids('t'), fc.constantFrom('link', 'unlink') as fc.Arbitrary<'link' | 'unlink'>)
    .map(([p, t, op]) => ['org', { op, type: 'Person', id: p, rel: 'teams', toType: 'Team', toId: t }] as [string, CanonicalChange]),
  fc
    .tuple(ids('t'), ids('x'), fc.constantFrom('link', 'unlink') as fc.Arbitrary<'link' | 'unlink'>)
    .map(([t, x, op]) => ['pm', { op, type: 'Team', id: t, rel: 'projects', toType: 'Project', toId: x }] as [string, CanonicalChange]),
  // The same edges from the other end: a re-sent link can cross an unlink made there.
  fc
    .tuple(ids('t'), ids('p'), fc.constantFrom('link', 'unlink') as fc.Arbitrary<'link' | 'unlink'>)
    .map(([t, p, op]) => ['org', { op, type: 'Team', id: t, rel: 'members', toType: 'Person', toId: p }] as [string, CanonicalChange]),
  fc
    .tuple(ids('x'), ids('c'), fc.constantFrom('link', 'unlink') as fc.Arbitrary<'link' | 'unlink'>)
    .map(([x, c, op]) => ['pm', { op, type: 'Project', id: x, rel: 'client', toType: 'Client', toId: c }] as [string, CanonicalChange]),
  fc
    .tuple(fc.constantFrom<[string, string]>(['hr', 'Person'], ['org', 'Team'], ['pm', 'Project'], ['sales', 'Client']), fc.constantFrom('1', '2'))
    .map(([[src, type], n]) => [src, { op: 'delete', type, id: `${type[0]!.toLowerCase()}${n}` }] as [string, CanonicalChange]),
);

const eventList = fc
  .array(fc.tuple(change, fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 40 })
  .map((items) => items.map(([[src, c], seq], i) => ev(src, seq, c, `ev${i}`)));

/** Runs the events as the ingest path would: split in batches, grouped per node, delivered in the mesh's order. */
function run(events: NodeEvent[], cuts: number[], random: () => number, options: Partial<NodeContext> = {}, maxBatch = 1): Record<string, unknown> {
  const mesh = new Mesh(model, random);
  mesh.options = options;
  mesh.maxBatch = maxBatch;
  let start = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < events.length).sort((a, b) => a - b), events.length]) {
    const byNode = new Map<string, NodeEvent[]>();
    for (const e of events.slice(start, cut)) byNode.set(keyOf(e.change), [...(byNode.get(keyOf(e.change)) ?? []), e]);
    for (const [key, batch] of byNode) mesh.send(key, { op: 'apply', events: batch });
    start = cut;
  }
  mesh.run();
  assert.equal(mesh.deadLetters.length, 0);
  return mesh.bodies();
}

describe('node actor: convergence', () => {
  it('gives the same final graph for any order, duplication and batching of the same events', () => {
    fc.assert(
      fc.property(
        eventList,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.infiniteStream(fc.double({ min: 0, max: 0.999999, noNaN: true })),
        (events, dupIdx, cuts, stream) => {
          const expected = run(events, [], () => 0);
          const duplicated = [...events, ...dupIdx.map((i) => events[i % events.length]!)];
          const shuffled = fc.sample(fc.shuffledSubarray(duplicated, { minLength: duplicated.length }), { seed: duplicated.length, numRuns: 1 })[0]!;
          const random = () => stream.next().value as number;
          assert.deepEqual(
            run(
              shuffled,
              cuts.map((c) => c % (shuffled.length + 1)),
              random,
            ),
            expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same final graph when each node folds several queued operations into one batch', () => {
    fc.assert(
      fc.property(
        eventList,
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.infiniteStream(fc.double({ min: 0, max: 0.999999, noNaN: true })),
        (events, maxBatch, cuts, stream) => {
          const expected = run(events, [], () => 0);
          const shuffled = fc.sample(fc.shuffledSubarray([...events, ...events.slice(0, 3)], { minLength: events.length + Math.min(3, events.length) }), {
            seed: events.length,
            numRuns: 1,
          })[0]!;
          const random = () => stream.next().value as number;
          assert.deepEqual(
            run(
              shuffled,
              cuts.map((c) => c % (shuffled.length + 1)),
              random,
              {},
              maxBatch,
            ),
            expected,
          );
          assert.deepEqual(
            run(
              shuffled,
              cuts.map((c) => c % (shuffled.length + 1)),
              random,
              { maxInlineEdges: 1, buckets: 2 },
              maxBatch,
            ),
            run(events, [], () => 0, { maxInlineEdges: 1, buckets: 2 }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('converges the same way when relations spill to edge buckets', () => {
    const spill = { maxInlineEdges: 1, buckets: 2 };
    fc.assert(
      fc.property(
        eventList,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.infiniteStream(fc.double({ min: 0, max: 0.999999, noNaN: true })),
        (events, cuts, stream) => {
          const expected = run(events, [], () => 0, spill);
          const shuffled = fc.sample(fc.shuffledSubarray([...events, ...events.slice(0, 3)], { minLength: events.length + Math.min(3, events.length) }), {
            seed: events.length,
            numRuns: 1,
          })[0]!;
          assert.deepEqual(
            run(
              shuffled,
              cuts.map((c) => c % (shuffled.length + 1)),
              () => stream.next().value as number,
              spill,
            ),
            expected,
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
