// Every filter operator, on own fields, lists and denormalized neighbour fields; facets; counts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Filter } from '../../core/projection/filter';
import { person, type WithIndex } from './fixtures';

const people = (t: string) => [
  person(t, 'ann', 1, {
    name: 'Ann',
    segment: 'vip',
    city: 'Oslo',
    age: 30,
    rating: 4.5,
    vip: true,
    joinedAt: '2024-01-10T00:00:00Z',
    tags: ['a', 'b', 'b'],
    accounts: [
      { id: 'x1', status: 'active', balance: 10 },
      { id: 'x2', status: 'closed', balance: -5 },
    ],
    manager: { id: 'm1', name: 'Mia' },
  }),
  person(t, 'bob', 1, {
    name: 'Bob',
    segment: 'consumer',
    city: 'Bergen',
    age: 40,
    rating: 3.25,
    vip: false,
    joinedAt: '2024-03-01T12:00:00+02:00',
    tags: ['b'],
    accounts: [{ id: 'x3', status: 'active', balance: 250 }],
    manager: { id: 'm2', name: 'Max' },
  }),
  person(t, 'cid', 1, {
    name: 'Cid',
    segment: 'consumer',
    city: 'Oslo',
    age: 40,
    vip: false,
    joinedAt: '2023-12-31T23:59:59Z',
    accounts: [{ id: 'x4', status: 'suspended' }],
  }),
  person(t, 'dot', 1, { name: 'Dot', segment: 'business', city: 'O\'Hara "Bay"', age: 25, rating: 5, tags: ['c'] }),
  person(t, 'eve', 1, { name: 'Eve' }),
];

export function filterCases(withIndex: WithIndex): void {
  describe('filters', () => {
    const cases: Array<[string, Filter, string[]]> = [
      ['eq keyword', { field: 'city', op: 'eq', value: 'Oslo' }, ['ann', 'cid']],
      ['eq with quotes in the value', { field: 'city', op: 'eq', value: 'O\'Hara "Bay"' }, ['dot']],
      ['eq int', { field: 'age', op: 'eq', value: 40 }, ['bob', 'cid']],
      ['eq bool', { field: 'vip', op: 'eq', value: false }, ['bob', 'cid']],
      ['in', { field: 'segment', op: 'in', value: ['vip', 'business'] }, ['ann', 'dot']],
      ['in nothing', { field: 'segment', op: 'in', value: [] }, []],
      ['gt int', { field: 'age', op: 'gt', value: 30 }, ['bob', 'cid']],
      ['gte int', { field: 'age', op: 'gte', value: 30 }, ['ann', 'bob', 'cid']],
      ['lt float', { field: 'rating', op: 'lt', value: 4.5 }, ['bob']],
      ['lte float', { field: 'rating', op: 'lte', value: 4.5 }, ['ann', 'bob']],
      ['gte datetime across offsets', { field: 'joinedAt', op: 'gte', value: '2024-01-10T00:00:00Z' }, ['ann', 'bob']],
      ['lt datetime', { field: 'joinedAt', op: 'lt', value: '2024-01-01T00:00:00+00:00' }, ['cid']],
      ['prefix keyword', { field: 'city', op: 'prefix', value: 'O' }, ['ann', 'cid', 'dot']],
      ['prefix is case-sensitive', { field: 'city', op: 'prefix', value: 'os' }, []],
      ['exists', { field: 'rating', op: 'exists', value: true }, ['ann', 'bob', 'dot']],
      ['not exists', { field: 'rating', op: 'exists', value: false }, ['cid', 'eve']],
      ['list eq: any element', { field: 'tags', op: 'eq', value: 'b' }, ['ann', 'bob']],
      ['list exists', { field: 'tags', op: 'exists', value: true }, ['ann', 'bob', 'dot']],
      ['neighbour list eq', { field: 'accounts.status', op: 'eq', value: 'active' }, ['ann', 'bob']],
      ['neighbour list gt', { field: 'accounts.balance', op: 'gt', value: 100 }, ['bob']],
      ['neighbour list lt', { field: 'accounts.balance', op: 'lt', value: 0 }, ['ann']],
      ['neighbour list in', { field: 'accounts.id', op: 'in', value: ['x4', 'x9'] }, ['cid']],
      ['one neighbour eq', { field: 'manager.id', op: 'eq', value: 'm2' }, ['bob']],
      ['one neighbour exists', { field: 'manager.id', op: 'exists', value: true }, ['ann', 'bob']],
      [
        'and',
        {
          and: [
            { field: 'city', op: 'eq', value: 'Oslo' },
            { field: 'age', op: 'gte', value: 35 },
          ],
        },
        ['cid'],
      ],
      [
        'or',
        {
          or: [
            { field: 'segment', op: 'eq', value: 'vip' },
            { field: 'tags', op: 'eq', value: 'c' },
          ],
        },
        ['ann', 'dot'],
      ],
      ['empty and matches all', { and: [] }, ['ann', 'bob', 'cid', 'dot', 'eve']],
      ['empty or matches none', { or: [] }, []],
      ['not includes documents without the field', { not: { field: 'city', op: 'eq', value: 'Oslo' } }, ['bob', 'dot', 'eve']],
      ['not of a neighbour list', { not: { field: 'accounts.status', op: 'eq', value: 'active' } }, ['cid', 'dot', 'eve']],
      [
        'nested not/and/or',
        {
          and: [
            {
              not: {
                or: [
                  { field: 'age', op: 'lt', value: 30 },
                  { field: 'vip', op: 'eq', value: true },
                ],
              },
            },
            { field: 'segment', op: 'exists', value: true },
          ],
        },
        ['bob', 'cid'],
      ],
    ];
    for (const [name, filter, expected] of cases) {
      it(name, () =>
        withIndex(people, async ({ store, type }) => {
          const page = await store.search(type, { filter, first: 50, sort: [{ field: 'id', order: 'asc' }] });
          assert.deepEqual(
            page.hits.map((h) => h.doc.body['id']),
            expected,
          );
          assert.deepEqual(page.total, { value: expected.length, relation: 'eq' });
          assert.equal(await store.count(type, { filter }), expected.length);
        }),
      );
    }

    it('refuses a filter on a field that is not indexed with a 400', () =>
      withIndex(people, async ({ store, type }) => {
        await assert.rejects(
          store.search(type, { filter: { field: 'nickname', op: 'eq', value: 'x' }, first: 5 }),
          (e: unknown) => (e as { status?: number }).status === 400,
        );
      }));
  });

  describe('facets', () => {
    it('counts documents per value, most frequent first then by value; lists count each document once', () =>
      withIndex(people, async ({ store, type }) => {
        const facets = await store.facets(type, ['segment', 'tags', 'accounts.status', 'vip', 'age'], {});
        assert.deepEqual(facets['segment'], [
          { value: 'consumer', count: 2 },
          { value: 'business', count: 1 },
          { value: 'vip', count: 1 },
        ]);
        assert.deepEqual(facets['tags'], [
          { value: 'b', count: 2 },
          { value: 'a', count: 1 },
          { value: 'c', count: 1 },
        ]);
        assert.deepEqual(facets['accounts.status'], [
          { value: 'active', count: 2 },
          { value: 'closed', count: 1 },
          { value: 'suspended', count: 1 },
        ]);
        assert.deepEqual(facets['vip'], [
          { value: false, count: 2 },
          { value: true, count: 1 },
        ]);
        assert.deepEqual(facets['age'], [
          { value: 40, count: 2 },
          { value: 25, count: 1 },
          { value: 30, count: 1 },
        ]);
      }));

    it('counts a text field by its exact value', () =>
      withIndex(people, async ({ store, type }) => {
        const facets = await store.facets(type, ['manager.name'], {});
        assert.deepEqual(facets['manager.name'], [
          { value: 'Max', count: 1 },
          { value: 'Mia', count: 1 },
        ]);
      }));

    it('counts only what the text and filter match, up to size buckets', () =>
      withIndex(people, async ({ store, type }) => {
        const filtered = await store.facets(type, ['city'], { filter: { field: 'age', op: 'gte', value: 30 } }, 1);
        assert.deepEqual(filtered, { city: [{ value: 'Oslo', count: 2 }] });
        const texted = await store.facets(type, ['city'], { text: 'max' });
        assert.deepEqual(texted, { city: [{ value: 'Bergen', count: 1 }] });
      }));
  });
}
