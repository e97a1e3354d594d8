// The one conformance suite every EntityStore of the local host passes: memory and SQLite in
// test/unit/host/entity-stores.test.ts, Azure Tables on Azurite in
// test/integration/host/entity-store.azurite.test.ts. Each case gets a store on new storage;
// `reopen` closes it and opens another on the same storage, as a restart does (the memory store
// keeps its one instance: it survives no restart, and claims none).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instanceId, type EntityInstanceId, type EntityStore, type QueuedOperation, type StoredEntity } from '../../host/entities/store';

export interface StoreUnderTest {
  store: EntityStore;
  /** Closes `store` and opens one on the same storage (open() is not called). */
  reopen(): Promise<EntityStore>;
  /** Closes the last store opened and removes the storage. */
  dispose(): Promise<void>;
}

export type MakeEntityStore = () => Promise<StoreUnderTest>;

let clock = 1_000_000;
/** Decimal, fixed-width and increasing, as the host's SequenceClock makes them. */
const nextSeq = () => String(++clock).padStart(17, '0');

function op(target: EntityInstanceId, name = 'add', input = '1', from = 'client'): QueuedOperation {
  return { seq: nextSeq(), target, op: name, input, from, enqueuedAt: 1_700_000_000_000 + clock };
}

function entity(id: EntityInstanceId, state: string | undefined, exists = true, at = 1_700_000_000_123): StoredEntity {
  return { id, exists, state: exists ? state : undefined, lastOperationTime: at };
}

/** Runs `body` on a fresh, opened store, and disposes of it after. */
async function withStore(make: MakeEntityStore, body: (s: StoreUnderTest & { current: () => EntityStore }) => Promise<void>): Promise<void> {
  const under = await make();
  let current = under.store;
  await current.open();
  try {
    await body({
      ...under,
      current: () => current,
      reopen: async () => {
        current = await under.reopen();
        return current;
      },
    });
  } finally {
    await under.dispose();
  }
}

const bySeq = (ops: QueuedOperation[]) => [...ops].sort((a, b) => (a.seq < b.seq ? -1 : 1));
const gone = (e: StoredEntity | undefined) => e === undefined || !e.exists;

/** Every existing entity of `name`, page by page (`top` each), checking that no page repeats one. */
async function listAll(store: EntityStore, name: string, top: number): Promise<StoredEntity[]> {
  const seen: StoredEntity[] = [];
  let continuation: string | undefined;
  let pages = 0;
  do {
    const page = await store.list(name, { top, ...(continuation ? { continuation } : {}) });
    assert.ok(page.entities.length <= top, `a page holds at most ${top}`);
    seen.push(...page.entities);
    continuation = page.continuation;
    assert.ok(++pages < 1000, 'listing ends');
  } while (continuation);
  assert.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'no entity listed twice');
  return seen;
}

export function runEntityStoreConformance(name: string, make: MakeEntityStore): void {
  describe(`EntityStore conformance: ${name}`, () => {
    it('opens empty storage with nothing pending, and answers no entity', () =>
      withStore(make, async ({ current }) => {
        const store = current();
        assert.deepEqual((await store.open()).pending, []);
        assert.equal(await store.read(instanceId('counter', 'nobody')), undefined);
        assert.deepEqual((await store.list('counter', { top: 10 })).entities, []);
        assert.equal(store.stats().kind, store.kind);
      }));

    it('keeps what enqueue acknowledged, every field, and returns it in sequence order at the next open', () =>
      withStore(make, async ({ current, reopen }) => {
        const a = instanceId('counter', 'a');
        const ops = [op(a, 'add', '1'), op(instanceId('counter', 'b'), 'set', '{"v":"x"}', '@counter@a'), op(a, 'reset', '')];
        await current().enqueue(ops.slice(0, 2));
        await current().enqueue(ops.slice(2));
        const reopened = await reopen();
        assert.deepEqual((await reopened.open()).pending, ops);
      }));

    it('commits state, consumed and emitted together: consumed operations are gone, emitted ones pending', () =>
      withStore(make, async ({ current, reopen }) => {
        const x = instanceId('counter', 'x');
        const y = instanceId('counter', 'y');
        const [a, b, c] = [op(x), op(x), op(x)];
        await current().enqueue([a!, b!, c!]);
        const emitted = [op(y, 'add', '2', x), op(y, 'add', '3', x)];
        await current().commit({ entity: entity(x, '{"value":2}'), consumed: [a!, b!], emitted });
        assert.deepEqual(await current().read(x), entity(x, '{"value":2}'));
        const reopened = await reopen();
        assert.deepEqual((await reopened.open()).pending, bySeq([c!, ...emitted]));
        assert.deepEqual(await reopened.read(x), entity(x, '{"value":2}'));
        // The emitted operations are consumed by their target's batch, the last one by a later one.
        await reopened.commit({ entity: entity(y, '{"value":5}'), consumed: emitted, emitted: [] });
        await reopened.commit({ entity: entity(x, '{"value":3}', true, 1_700_000_000_999), consumed: [c!], emitted: [] });
        const again = await reopen();
        assert.deepEqual((await again.open()).pending, []);
        assert.deepEqual(await again.read(x), entity(x, '{"value":3}', true, 1_700_000_000_999));
        assert.deepEqual(await again.read(y), entity(y, '{"value":5}'));
      }));

    it('keeps an entity that exists without a state, and forgets a deleted one', () =>
      withStore(make, async ({ current, reopen }) => {
        const bare = instanceId('counter', 'bare');
        const doomed = instanceId('counter', 'doomed');
        await current().commit({ entity: entity(bare, undefined), consumed: [], emitted: [] });
        await current().commit({ entity: entity(doomed, '{"value":1}'), consumed: [], emitted: [] });
        await current().commit({ entity: entity(doomed, undefined, false), consumed: [], emitted: [] });
        const reopened = await reopen();
        await reopened.open();
        assert.deepEqual(await reopened.read(bare), entity(bare, undefined));
        assert.ok(gone(await reopened.read(doomed)), 'a deleted entity reads as missing');
        assert.deepEqual(
          (await listAll(reopened, 'counter', 10)).map((e) => e.id),
          [bare],
        );
      }));

    it('keeps states and inputs exactly: any character, and a state of megabytes', () =>
      withStore(make, async ({ current, reopen }) => {
        const odd = instanceId('counter', 'Person:a/b?c#d%20e é✓ \u{1F600}');
        const text = JSON.stringify({ s: 'line\u2028para\u2029nul\u0000tab\t"quote" \\ é✓ \u{1F600}', big: 'y'.repeat(1_200_000) });
        const input = JSON.stringify(['\u2028', '\u0000', 'z'.repeat(300_000)]);
        const queued = op(odd, 'append', input);
        await current().enqueue([queued]);
        await current().commit({ entity: entity(odd, text), consumed: [], emitted: [] });
        const reopened = await reopen();
        assert.deepEqual((await reopened.open()).pending, [queued]);
        const read = await reopened.read(odd);
        assert.equal(read?.state, text);
        assert.equal(read?.id, odd);
      }));

    it('a newer commit of an entity replaces the older one', () =>
      withStore(make, async ({ current, reopen }) => {
        const id = instanceId('counter', 'again');
        for (let i = 0; i < 5; i++) await current().commit({ entity: entity(id, `{"value":${i}}`, true, 1_700_000_000_000 + i), consumed: [], emitted: [] });
        const reopened = await reopen();
        await reopened.open();
        assert.deepEqual(await reopened.read(id), entity(id, '{"value":4}', true, 1_700_000_000_004));
      }));

    it('keeps every one of many concurrent commits and appends', () =>
      withStore(make, async ({ current, reopen }) => {
        const ids = Array.from({ length: 300 }, (_, i) => instanceId('counter', `c${i}`));
        const queued = ids.map((id) => op(id));
        await Promise.all(ids.map((id, i) => current().enqueue([queued[i]!])));
        const emitted = ids.map((id, i) => op(ids[(i + 1) % ids.length]!, 'add', '1', id));
        await Promise.all(ids.map((id, i) => current().commit({ entity: entity(id, `{"value":${i}}`), consumed: [queued[i]!], emitted: [emitted[i]!] })));
        const reopened = await reopen();
        assert.deepEqual((await reopened.open()).pending, bySeq(emitted));
        for (const [i, id] of ids.entries()) assert.equal((await reopened.read(id))?.state, `{"value":${i}}`, id);
      }));

    it('lists the existing entities of one name, each once, page by page', () =>
      withStore(make, async ({ current }) => {
        const keys = ['Person:p1', 'Person:p2', 'Person:a/b?c#d%20e', 'Team:t 1', 'é✓', 'z', 'Z', '0', 'x@y', 'gone'];
        for (const [i, key] of keys.entries()) await current().commit({ entity: entity(instanceId('node', key), `{"n":${i}}`), consumed: [], emitted: [] });
        await current().commit({ entity: entity(instanceId('node', 'gone'), undefined, false), consumed: [], emitted: [] });
        // Other names, one a prefix of the listed name and one that extends it.
        await current().commit({ entity: entity(instanceId('nod', 'p1'), '{}'), consumed: [], emitted: [] });
        await current().commit({ entity: entity(instanceId('nodes', 'p1'), '{}'), consumed: [], emitted: [] });
        const want = keys
          .filter((k) => k !== 'gone')
          .map((k) => instanceId('node', k))
          .sort();
        for (const top of [1, 3, 100]) {
          const listed = await listAll(current(), 'node', top);
          assert.deepEqual(listed.map((e) => e.id).sort(), want, `pages of ${top}`);
          for (const e of listed) assert.deepEqual(e, entity(e.id, `{"n":${keys.indexOf(e.id.slice('@node@'.length))}}`));
        }
        assert.deepEqual((await listAll(current(), 'NODE', 100)).length, want.length, 'names are not case-sensitive');
      }));
  });
}
