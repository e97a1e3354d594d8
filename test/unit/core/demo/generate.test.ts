import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDataProduct } from '../../../../core/contracts';
import type { CloudEvent } from '../../../../core/contracts';
import { createDemoGenerator } from '../../../../core/demo/generate';
import type { DemoMix, DemoOptions } from '../../../../core/demo/generate';
import type { DemoScenario } from '../../../../core/contracts/demo';
import { library } from '../contracts/fixtures';

const compiled = compileDataProduct(library());

/** One author per root with two books; books change title, and disappear by an empty title. */
const scenario: DemoScenario = {
  rootLabel: 'authors',
  reference: () => [],
  neighbourhood: (i, rng) => [
    { source: 'cms', type: 'cms.author.row', data: { ID: `a${i}`, Name: `Author ${rng.int(1, 9)}` } },
    { source: 'shop', type: 'shop.book.row', data: { isbn: `b${i}-1`, title: 'One', author: `a${i}` } },
    { source: 'shop', type: 'shop.book.row', data: { isbn: `b${i}-2`, title: 'Two', author: `a${i}` } },
  ],
  update: (r) => (r.type === 'shop.book.row' ? { ...r, data: { ...r.data, title: `${String(r.data['title'])} (2nd ed.)` } } : undefined),
  remove: (r) => (r.type === 'cms.author.row' ? { ...r, data: { ...r.data, Name: null } } : undefined),
};

const NO_MESS: DemoMix = { updates: 0, outOfOrder: 0, duplicates: 0, deletes: 0 };

function generate(options: Partial<DemoOptions> = {}) {
  const generator = createDemoGenerator(compiled, scenario, { roots: 50, seed: 1, canonical: false, ...options });
  const events: CloudEvent[] = [];
  for (const batch of generator.batches()) events.push(...batch);
  return { events, stats: generator.stats };
}

const sequenceOf = (e: CloudEvent) => Number((e.data as Record<string, unknown>)['lsn'] ?? (e.data as Record<string, unknown>)['Rev']);

describe('demo generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(generate({ seed: 3 }).events, generate({ seed: 3 }).events);
    assert.notDeepEqual(generate({ seed: 3 }).events, generate({ seed: 4 }).events);
  });

  it('gives each source increasing sequences in its own field type, and unique ids without mess', () => {
    const { events, stats } = generate({ mix: NO_MESS });
    assert.equal(stats.records, 150);
    assert.equal(stats.nodes, 150);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    const shop = events.filter((e) => e.source === 'shop');
    assert.equal(typeof (shop[0]?.data as Record<string, unknown>)['lsn'], 'string');
    assert.deepEqual(
      shop.map(sequenceOf),
      shop.map((_, i) => i + 1),
    );
    for (const e of events) assert.ok(compiled.validators.validateEvent(e).ok, JSON.stringify(e));
  });

  it('changes every loaded record that has a change, newer than the whole load, once it ran', () => {
    const generator = createDemoGenerator(compiled, scenario, { roots: 50, seed: 1, canonical: false, mix: NO_MESS });
    assert.throws(() => [...generator.updates()], /batches\(\) to its end/);
    const load = [...generator.batches()].flat();
    const round = [...generator.updates()].flat();
    assert.equal(round.length, 100);
    assert.equal(generator.stats.updates, 100);
    const lastLoaded = Math.max(...load.filter((e) => e.source === 'shop').map(sequenceOf));
    for (const e of round) {
      assert.equal(e.type, 'shop.book.row');
      assert.ok(sequenceOf(e) > lastLoaded, 'each change is newer than the load');
      assert.ok(compiled.validators.validateEvent(e).ok, JSON.stringify(e));
    }
    // The same records as the load (same keys), changed.
    const isbns = (events: CloudEvent[]) =>
      events
        .filter((e) => e.type === 'shop.book.row')
        .map((e) => (e.data as Record<string, unknown>)['isbn'])
        .sort();
    assert.deepEqual(isbns(round), isbns(load));
    assert.ok(round.every((e) => String((e.data as Record<string, unknown>)['title']).endsWith('(2nd ed.)')));
    // A second round continues the sequences.
    const again = [...generator.updates()].flat();
    assert.ok(Math.min(...again.map(sequenceOf)) > Math.max(...round.map(sequenceOf)));
  });

  it('puts an update ahead of its original when out of order, with the higher sequence', () => {
    const { events, stats } = generate({ mix: { ...NO_MESS, updates: 1, outOfOrder: 1 } });
    assert.equal(stats.updates, 100);
    assert.equal(stats.outOfOrder, 100);
    const books = events.filter((e) => e.type === 'shop.book.row' && (e.data as Record<string, unknown>)['isbn'] === 'b0-1');
    assert.deepEqual(
      books.map((e) => (e.data as Record<string, unknown>)['title']),
      ['One (2nd ed.)', 'One'],
    );
    assert.ok(sequenceOf(books[0]!) > sequenceOf(books[1]!));
  });

  it('repeats events with their id for duplicates and ends with deletes', () => {
    const { events, stats } = generate({ roots: 1, mix: { ...NO_MESS, duplicates: 1, deletes: 1 } });
    assert.equal(stats.deletes, 1);
    assert.equal(stats.duplicates, 4);
    assert.deepEqual(
      events.slice(4).map((e) => e.id),
      events.slice(0, 4).map((e) => e.id),
    );
    assert.equal((events[3]?.data as Record<string, unknown>)['Name'], null);
  });

  it('emits canonical events through the contract mappings, all valid', () => {
    const { events, stats } = generate({ canonical: true });
    assert.ok(events.every((e) => e.type.startsWith('meshgraph.')));
    assert.equal(stats.events, events.length);
    for (const e of events) assert.ok(compiled.validators.validateEvent(e).ok, JSON.stringify(e));
  });

  it('refuses a scenario record type the contracts do not declare', () => {
    const bad: DemoScenario = { ...scenario, neighbourhood: () => [{ source: 'shop', type: 'shop.magazine.row', data: {} }] };
    const generator = createDemoGenerator(compiled, bad, { roots: 1, seed: 1, canonical: false });
    assert.throws(() => [...generator.batches()], /shop.magazine.row, which is not a record type/);
  });
});
