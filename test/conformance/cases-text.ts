// Free text: relevance order, all words required, unicode, very long text, and input that
// would be query syntax in the store's own language.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { person, type WithIndex } from './fixtures';

const filler = (n: number) => Array.from({ length: n }, (_, i) => `filler${i % 97}`).join(' ');

const texts = (t: string) => [
  person(t, 'short', 1, { name: 'River Stone', bio: 'river river by the river', segment: 'vip' }),
  person(t, 'long', 1, { name: 'Lake', bio: `${filler(60)} river ${filler(60)}`, segment: 'vip' }),
  person(t, 'none', 1, { name: 'Field', bio: 'salt and pepper, (not) "quoted" o\'brien-smith name:x', segment: 'consumer' }),
  person(t, 'greek', 1, { name: 'Ελληνικά Zoë', bio: 'Привет мир 🚀 emoji', segment: 'consumer' }),
  person(t, 'stone', 1, { name: 'Stone', manager: { id: 'm1', name: 'River Manager' }, segment: 'business' }),
];
const ids = (hits: Array<{ doc: { body: Record<string, unknown> } }>) => hits.map((h) => h.doc.body['id']);

export function textCases(withIndex: WithIndex): void {
  describe('text search', () => {
    it('ranks a short, repeated match above a single match in long text; misses non-matches', () =>
      withIndex(texts, async ({ store, type }) => {
        const page = await store.search(type, { text: 'river', first: 10 });
        const found = ids(page.hits);
        assert.deepEqual(found.slice(0, 1), ['short']);
        assert.ok(found.indexOf('short') < found.indexOf('long'));
        assert.deepEqual([...found].sort(), ['long', 'short', 'stone']);
        const scores = page.hits.map((h) => h.score ?? NaN);
        assert.ok(
          scores.every((s, i) => i === 0 || s <= scores[i - 1]!),
          `scores descend: ${scores.join(', ')}`,
        );
      }));

    it('requires every word, in any searchable field, case-insensitively', () =>
      withIndex(texts, async ({ store, type }) => {
        assert.deepEqual(ids((await store.search(type, { text: 'RIVER stone', first: 10 })).hits).sort(), ['short', 'stone']);
        assert.deepEqual(ids((await store.search(type, { text: 'river nowhere', first: 10 })).hits), []);
      }));

    it('combines text with a filter and pages through ranked results', () =>
      withIndex(texts, async ({ store, type }) => {
        const first = await store.search(type, { text: 'river', filter: { field: 'segment', op: 'eq', value: 'vip' }, first: 1 });
        assert.deepEqual(ids(first.hits), ['short']);
        assert.deepEqual(first.total, { value: 2, relation: 'eq' });
        assert.equal(first.hasNextPage, true);
        const second = await store.search(type, { text: 'river', filter: { field: 'segment', op: 'eq', value: 'vip' }, first: 1, after: first.endCursor! });
        assert.deepEqual(ids(second.hits), ['long']);
        assert.equal(second.hasNextPage, false);
      }));

    it('finds unicode words and returns unicode bodies intact', () =>
      withIndex(texts, async ({ store, type }) => {
        assert.deepEqual(ids((await store.search(type, { text: 'ελληνικά', first: 5 })).hits), ['greek']);
        assert.deepEqual(ids((await store.search(type, { text: 'ZOË привет', first: 5 })).hits), ['greek']);
        assert.equal((await store.get(type, `${type}:greek`))?.body['bio'], 'Привет мир 🚀 emoji');
      }));

    it('finds a word at the end of a very long text', () =>
      withIndex(
        (t) => [person(t, 'tome', 1, { bio: `${filler(20_000)} needleword` }), person(t, 'other', 1, { bio: filler(50) })],
        async ({ store, type }) => {
          assert.deepEqual(ids((await store.search(type, { text: 'needleword', first: 5 })).hits), ['tome']);
        },
      ));

    it('sorts text matches by a field when asked', () =>
      withIndex(texts, async ({ store, type }) => {
        const page = await store.search(type, { text: 'river', sort: [{ field: 'name', order: 'asc' }], first: 10 });
        assert.deepEqual(ids(page.hits), ['long', 'short', 'stone']);
      }));
  });

  describe('hostile text is searched for, never parsed as query syntax', () => {
    const hostile = [
      '-',
      '.',
      '@',
      "'",
      '(',
      ')',
      '"',
      '- . @ \' ( ) "',
      'AND',
      'OR',
      'NOT',
      'NEAR',
      'name:x',
      '"unbalanced',
      'river)',
      '-river',
      '*',
      'riv*',
      '^river',
      'river OR salt',
      'a AND',
      '{x}',
      '[]',
      '\\',
      '+-&&||!',
      'NEAR(river stone)',
      'bio:river',
    ];
    for (const text of hostile) {
      it(JSON.stringify(text), () =>
        withIndex(texts, async ({ store, type }) => {
          const page = await store.search(type, { text, first: 10 });
          assert.ok(Array.isArray(page.hits));
          await store.count(type, { text });
          await store.facets(type, ['segment'], { text });
        }),
      );
    }

    it('punctuation around a word still finds the word; bare operators are words', () =>
      withIndex(texts, async ({ store, type }) => {
        assert.ok(ids((await store.search(type, { text: '(river)', first: 10 })).hits).includes('short'));
        assert.ok(ids((await store.search(type, { text: '"river', first: 10 })).hits).includes('short'));
        assert.deepEqual(ids((await store.search(type, { text: 'salt AND pepper', first: 10 })).hits), ['none']);
        assert.deepEqual(ids((await store.search(type, { text: 'river OR salt', first: 10 })).hits), []);
      }));

    it('a field prefix is not a column filter', () =>
      withIndex(texts, async ({ store, type }) => {
        assert.deepEqual(ids((await store.search(type, { text: 'bio:river', first: 10 })).hits), []);
      }));
  });
}
