// Versioned writes, tombstones, document checks, index lifecycle and aliases.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DOC_BYTES } from '../../core/projection/document';
import { UnknownIndexError } from '../../core/projection/port';
import { freshTypeName, person, personSpec, tombstone, type MakeStore, type WithIndex } from './fixtures';

export function writeCases(makeStore: MakeStore, withIndex: WithIndex): void {
  describe('versioned writes', () => {
    it('writes a newer version; an older or equal one is a no-op counted as stale, never an error', () =>
      withIndex(
        (t) => [person(t, 'a', 2, { name: 'second' })],
        async ({ store, type }) => {
          assert.deepEqual(await store.bulk([person(type, 'a', 1, { name: 'first' })]), { written: 0, stale: 1, failed: [] });
          assert.deepEqual(await store.bulk([person(type, 'a', 2, { name: 'again' })]), { written: 0, stale: 1, failed: [] });
          assert.equal((await store.get(type, `${type}:a`))?.body['name'], 'second');
          assert.deepEqual(await store.bulk([person(type, 'a', 3, { name: 'third' })]), { written: 1, stale: 0, failed: [] });
          const doc = await store.get(type, `${type}:a`);
          assert.equal(doc?.version, 3);
          assert.deepEqual(doc?.body, { id: 'a', name: 'third' });
        },
      ));

    it('applies the same id twice in one bulk in order: the older second write is stale', () =>
      withIndex([], async ({ store, type }) => {
        const result = await store.bulk([person(type, 'a', 5, { name: 'five' }), person(type, 'a', 4, { name: 'four' })]);
        assert.deepEqual(result, { written: 1, stale: 1, failed: [] });
        assert.equal((await store.get(type, `${type}:a`))?.body['name'], 'five');
      }));

    it('applies an older then a newer write of one new id in one bulk: both written, the newer wins', () =>
      withIndex([], async ({ store, type }) => {
        const result = await store.bulk([person(type, 'n', 1, { name: 'Firstword' }), person(type, 'n', 2, { name: 'Secondword' })]);
        assert.deepEqual(result, { written: 2, stale: 0, failed: [] });
        assert.equal((await store.get(type, `${type}:n`))?.version, 2);
        assert.equal((await store.search(type, { text: 'firstword', first: 5 })).hits.length, 0);
        assert.equal((await store.search(type, { text: 'secondword', first: 5 })).hits.length, 1);
      }));

    it('an update replaces the searchable text: the old words no longer find the document', () =>
      withIndex(
        (t) => [person(t, 'a', 1, { name: 'Oldword' })],
        async ({ store, type }) => {
          await store.bulk([person(type, 'a', 2, { name: 'Newword' })]);
          assert.equal((await store.search(type, { text: 'oldword', first: 10 })).hits.length, 0);
          assert.deepEqual(
            (await store.search(type, { text: 'newword', first: 10 })).hits.map((h) => h.doc.id),
            [`${type}:a`],
          );
        },
      ));
  });

  describe('tombstones', () => {
    it('a tombstone hides the document from get, search and count; older writes stay stale', () =>
      withIndex(
        (t) => [person(t, 'a', 1, { name: 'Gone', city: 'Oslo' }), person(t, 'b', 1, { name: 'Kept', city: 'Oslo' })],
        async ({ store, type }) => {
          assert.deepEqual(await store.bulk([tombstone(type, 'a', 2)]), { written: 1, stale: 0, failed: [] });
          assert.equal(await store.get(type, `${type}:a`), undefined);
          assert.deepEqual((await store.search(type, { text: 'gone', first: 10 })).hits, []);
          assert.equal(await store.count(type, { filter: { field: 'city', op: 'eq', value: 'Oslo' } }), 1);
          assert.deepEqual(await store.bulk([person(type, 'a', 2, { name: 'Gone' }), person(type, 'a', 1, { name: 'Gone' })]), {
            written: 0,
            stale: 2,
            failed: [],
          });
          assert.equal(await store.get(type, `${type}:a`), undefined);
          await store.bulk([person(type, 'a', 3, { name: 'Back' })]);
          assert.equal((await store.get(type, `${type}:a`))?.body['name'], 'Back');
        },
      ));

    it('a tombstone that arrives before the document keeps the older document out', () =>
      withIndex([], async ({ store, type }) => {
        assert.deepEqual(await store.bulk([tombstone(type, 'z', 7)]), { written: 1, stale: 0, failed: [] });
        assert.deepEqual(await store.bulk([person(type, 'z', 6, { name: 'Late' })]), { written: 0, stale: 1, failed: [] });
        assert.equal(await store.count(type), 0);
      }));
  });

  describe('document checks', () => {
    it('fails a document that does not fit the mapping, without retry and with the field named; the rest is written', () =>
      withIndex([], async ({ store, type }) => {
        const bad = { ...person(type, 'bad', 1), body: { id: 'bad', age: 'old' } };
        const result = await store.bulk([person(type, 'ok', 1, { age: 3 }), bad]);
        assert.equal(result.written, 1);
        assert.equal(result.failed.length, 1);
        assert.equal(result.failed[0]?.id, `${type}:bad`);
        assert.equal(result.failed[0]?.retryable, false);
        assert.match(result.failed[0]?.reason ?? '', /age/);
        assert.ok(await store.get(type, `${type}:ok`));
      }));

    it('accepts a document at the size limit and fails one a byte above it', () =>
      withIndex([], async ({ store, type }) => {
        const sized = (key: string, bytes: number) => {
          const doc = person(type, key, 1, { bio: '' });
          const overhead = Buffer.byteLength(JSON.stringify(doc.body));
          const words = 'lorem ipsum '.repeat(Math.ceil(bytes / 12)).slice(0, bytes - overhead - 4);
          return person(type, key, 1, { bio: `${words} end` });
        };
        const atLimit = sized('max', MAX_DOC_BYTES);
        const above = sized('over', MAX_DOC_BYTES + 1);
        assert.equal(Buffer.byteLength(JSON.stringify(atLimit.body)), MAX_DOC_BYTES);
        const result = await store.bulk([atLimit, above]);
        assert.equal(result.written, 1);
        assert.deepEqual(
          result.failed.map((f) => [f.id, f.retryable]),
          [[`${type}:over`, false]],
        );
        assert.match(result.failed[0]!.reason, /limit/);
        assert.deepEqual((await store.get(type, `${type}:max`))?.body, atLimit.body);
      }));

    it('fails a write to a type that has no index, without retry', () =>
      withIndex([], async ({ store }) => {
        const other = freshTypeName();
        const result = await store.bulk([person(other, 'a', 1)]);
        assert.equal(result.written, 0);
        assert.equal(result.failed[0]?.retryable, false);
      }));
  });

  describe('indexes and aliases', () => {
    it('createIndex is idempotent; writes to a named index stay invisible until the alias swaps', () =>
      withIndex(
        (t) => [person(t, 'a', 1, { name: 'Version one' })],
        async ({ store, type, index }) => {
          assert.deepEqual(await store.createIndex(personSpec(type)), { index });
          const next = await store.createIndex(personSpec(type, 2));
          assert.notEqual(next.index, index);
          try {
            assert.equal((await store.bulk([person(type, 'a', 1, { name: 'Version two' })], { index: next.index })).written, 1);
            assert.equal((await store.get(type, `${type}:a`))?.body['name'], 'Version one');
            await store.swapAlias(type, next.index);
            assert.equal((await store.get(type, `${type}:a`))?.body['name'], 'Version two');
            assert.equal((await store.search(type, { text: 'two', first: 5 })).hits.length, 1);
          } finally {
            await store.deleteIndex(next.index);
          }
        },
      ));

    it('lists every version of a type oldest first with the aliased one marked; a deleted version is gone', () =>
      withIndex([], async ({ store, type, index }) => {
        const next = await store.createIndex(personSpec(type, 2));
        const other = await store.createIndex(personSpec(freshTypeName(), 1));
        try {
          assert.deepEqual(await store.indexes(type), [
            { index, version: 1, aliased: true },
            { index: next.index, version: 2, aliased: false },
          ]);
          await store.swapAlias(type, next.index);
          await store.deleteIndex(index);
          assert.deepEqual(await store.indexes(type), [{ index: next.index, version: 2, aliased: true }]);
          assert.deepEqual(await store.indexes(freshTypeName()), []);
        } finally {
          await store.deleteIndex(next.index);
          await store.deleteIndex(other.index);
        }
      }));

    it('mget answers in the order asked, undefined where nothing is stored', () =>
      withIndex(
        (t) => [person(t, 'a', 1), person(t, 'b', 1)],
        async ({ store, type }) => {
          const docs = await store.mget(type, [`${type}:b`, `${type}:nope`, `${type}:a`]);
          assert.deepEqual(
            docs.map((d) => d?.id),
            [`${type}:b`, undefined, `${type}:a`],
          );
          assert.equal(docs[0]?.type, type);
        },
      ));

    it('reading a type without an index rejects with UnknownIndexError naming it', async () => {
      const store = await makeStore();
      const type = freshTypeName();
      try {
        for (const read of [store.search(type, { first: 1 }), store.get(type, `${type}:a`), store.count(type)]) {
          await assert.rejects(read, (e: unknown) => e instanceof UnknownIndexError && e.target === type);
        }
      } finally {
        await store.close();
      }
    });
  });
}
