// Sort orders, cursor pagination (also while writes land between pages) and capped totals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectionStore, SearchRequest } from '../../core/projection/port';
import { person, type WithIndex } from './fixtures';

const KEYS = Array.from({ length: 23 }, (_, i) => `k${String(i).padStart(2, '0')}`);
// Ages with ties and gaps: every third person has none (missing values sort last either way).
const ageOf = (i: number): number | undefined => (i % 3 === 2 ? undefined : (i * 7) % 5);
const crowd = (t: string) => KEYS.map((k, i) => person(t, k, 1, { name: `Walker ${k}`, age: ageOf(i), city: i % 2 ? 'Oslo' : 'Bergen' }));

async function allPages(
  store: ProjectionStore,
  type: string,
  request: Omit<SearchRequest, 'after'>,
  between?: (page: number) => Promise<void>,
): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = await store.search(type, { ...request, ...(after ? { after } : {}) });
    seen.push(...result.hits.map((h) => h.doc.body['id'] as string));
    if (!result.hasNextPage) return seen;
    after = result.endCursor;
    await between?.(page);
  }
  throw new Error('pagination did not end');
}

function expectedOrder(order: 'asc' | 'desc'): string[] {
  const withAge = KEYS.map((k, i) => ({ k, age: ageOf(i) }));
  const present = withAge.filter((x) => x.age !== undefined).sort((a, b) => (order === 'asc' ? a.age! - b.age! : b.age! - a.age!) || (a.k < b.k ? -1 : 1));
  return [...present.map((x) => x.k), ...withAge.filter((x) => x.age === undefined).map((x) => x.k)];
}

export function pagingCases(withIndex: WithIndex): void {
  describe('sort and cursor pagination', () => {
    for (const order of ['asc', 'desc'] as const) {
      it(`pages through age ${order}, ties by id, missing values last`, () =>
        withIndex(crowd, async ({ store, type }) => {
          assert.deepEqual(await allPages(store, type, { sort: [{ field: 'age', order }], first: 4 }), expectedOrder(order));
        }));
    }

    it('sorts by two keys', () =>
      withIndex(crowd, async ({ store, type }) => {
        const page = await store.search(type, {
          sort: [
            { field: 'city', order: 'desc' },
            { field: 'id', order: 'desc' },
          ],
          first: 3,
        });
        assert.deepEqual(
          page.hits.map((h) => h.doc.body['id']),
          ['k21', 'k19', 'k17'],
        );
      }));

    it('is stable under concurrent writes: every untouched document exactly once and in order', () =>
      withIndex(crowd, async ({ store, type }) => {
        let late = 0;
        const seen = await allPages(store, type, { sort: [{ field: 'age', order: 'asc' }], first: 5 }, async () => {
          // New documents before and after the cursor, and a document already seen moved ahead.
          late++;
          await store.bulk([
            person(type, `new-low-${late}`, 1, { age: 0 }),
            person(type, `new-high-${late}`, 1, { age: 99 }),
            person(type, 'k00', 1 + late, { age: 50 + late }),
          ]);
        });
        const untouched = expectedOrder('asc').filter((k) => k !== 'k00');
        assert.deepEqual(
          seen.filter((k) => untouched.includes(k)),
          untouched,
        );
        const others = seen.filter((k) => k !== 'k00');
        assert.equal(new Set(others).size, others.length);
        assert.ok(seen.includes('new-high-1'), 'a document written ahead of the cursor is found');
      }));

    it('refuses a sort on a field that is not sortable, and a cursor it did not issue, with a 400', () =>
      withIndex(crowd, async ({ store, type }) => {
        const is400 = (e: unknown) => (e as { status?: number }).status === 400;
        await assert.rejects(store.search(type, { sort: [{ field: 'segment', order: 'asc' }], first: 2 }), is400);
        await assert.rejects(store.search(type, { sort: [{ field: 'age', order: 'asc' }], first: 2, after: 'bogus' }), is400);
      }));
  });

  describe('totals', () => {
    it('counts exactly up to totalUpTo, then reports a lower bound', () =>
      withIndex(crowd, async ({ store, type }) => {
        assert.deepEqual((await store.search(type, { first: 1, totalUpTo: 10 })).total, { value: 10, relation: 'gte' });
        assert.deepEqual((await store.search(type, { first: 1, totalUpTo: 100 })).total, { value: 23, relation: 'eq' });
        assert.deepEqual((await store.search(type, { text: 'walker', first: 1, totalUpTo: 5 })).total, { value: 5, relation: 'gte' });
        assert.deepEqual((await store.search(type, { text: 'walker', first: 1 })).total, { value: 23, relation: 'eq' });
      }));

    it('says whether there is a next page', () =>
      withIndex(crowd, async ({ store, type }) => {
        assert.equal((await store.search(type, { first: 23 })).hasNextPage, false);
        assert.equal((await store.search(type, { first: 22 })).hasNextPage, true);
      }));
  });
}
