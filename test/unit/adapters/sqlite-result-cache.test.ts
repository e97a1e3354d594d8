// The SQLite store's result cache (searches, facets, counts) never serves a result older than
// what is searchable: a refresh here, or a commit by another process, invalidates it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteStore } from '../../../adapters/search/sqlite';
import type { IndexSpec, ProjectionDoc } from '../../../core/projection/port';

const SPEC: IndexSpec = {
  type: 'Person',
  version: 1,
  fields: [
    { path: 'id', kind: 'keyword', list: false, searchable: false, facet: false, sortable: true },
    { path: 'name', kind: 'text', list: false, searchable: true, facet: false, sortable: false },
    { path: 'city', kind: 'keyword', list: false, searchable: false, facet: true, sortable: false },
  ],
};
const person = (id: string, name: string, city: string, version = 1): ProjectionDoc => ({
  id: `Person:${id}`,
  type: 'Person',
  version,
  body: { id, name, city },
});

describe('SQLite store result cache', () => {
  it('serves repeated facets and searches, and sees writes made here and by another process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-cache-'));
    const store = openSqliteStore(dir);
    try {
      await store.swapAlias('Person', (await store.createIndex(SPEC)).index);
      await store.bulk([person('p1', 'Ada Lovelace', 'London'), person('p2', 'Ada Byron', 'Paris')]);
      const facets = () => store.facets('Person', ['city'], { text: 'ada' });
      assert.deepEqual(await facets(), {
        city: [
          { value: 'London', count: 1 },
          { value: 'Paris', count: 1 },
        ],
      });
      assert.equal(await facets(), await facets(), 'a repeated request is served from the cache');

      await store.bulk([person('p3', 'Ada King', 'London')]);
      assert.deepEqual(
        await facets(),
        {
          city: [
            { value: 'London', count: 2 },
            { value: 'Paris', count: 1 },
          ],
        },
        'a write here is seen',
      );
      assert.equal((await store.search('Person', { text: 'ada', first: 10 })).total.value, 3);

      const other = openSqliteStore(dir);
      try {
        await other.bulk([person('p2', 'Ada Byron', 'Rome', 2)]);
        other.refresh();
      } finally {
        await other.close();
      }
      assert.deepEqual(
        await facets(),
        {
          city: [
            { value: 'London', count: 2 },
            { value: 'Rome', count: 1 },
          ],
        },
        "another process's write is seen",
      );
      assert.equal(await store.count('Person', { text: 'ada' }), 3);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite store refresh backlog', () => {
  it('counts unrefreshed documents, and forgets an index another process deleted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-backlog-'));
    const store = openSqliteStore(dir);
    try {
      const { index } = await store.createIndex(SPEC);
      await store.swapAlias('Person', index);
      await store.bulk([person('p1', 'Ada', 'London'), person('p2', 'Bob', 'Paris')]);
      assert.equal(store.unrefreshed(), 2);
      store.refresh();
      assert.equal(store.unrefreshed(), 0);
      const other = openSqliteStore(dir);
      await other.deleteIndex(index);
      await other.close();
      assert.equal(store.unrefreshed(), 0, 'no error for the deleted index');
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
