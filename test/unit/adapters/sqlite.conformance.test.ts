// The shared ProjectionStore conformance suite against the embedded SQLite store, plus what only
// a file-backed store must show: it survives a restart.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../adapters/search/sqlite';
import { runProjectionStoreConformance } from '../../conformance/projection-store';
import { person, personSpec } from '../../conformance/fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-sqlite-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `store-${++n}`);

runProjectionStoreConformance('sqlite', async () => openSqliteStore(freshDir()));

describe('sqlite store on disk', () => {
  it('keeps documents, indexes and aliases across a restart', async () => {
    const dir = freshDir();
    const first = openSqliteStore(dir);
    const { index } = await first.createIndex(personSpec('Person'));
    await first.swapAlias('Person', index);
    await first.bulk([person('Person', 'a', 3, { name: 'Durable Dora', city: 'Oslo' })]);
    await first.close();

    const again = openSqliteStore(dir);
    try {
      assert.equal((await again.get('Person', 'Person:a'))?.version, 3);
      assert.deepEqual((await again.search('Person', { text: 'dora', filter: { field: 'city', op: 'eq', value: 'Oslo' }, first: 5 })).hits.map((h) => h.doc.id), ['Person:a']);
      assert.deepEqual(await again.bulk([person('Person', 'a', 2, { name: 'older' })]), { written: 0, stale: 1, failed: [] });
    } finally {
      await again.close();
    }
  });

  it('sees an alias swapped by another process (another connection) on the next read', async () => {
    const dir = freshDir();
    const serving = openSqliteStore(dir);
    const reindexer = openSqliteStore(dir);
    try {
      const v1 = await serving.createIndex(personSpec('Person', 1));
      await serving.swapAlias('Person', v1.index);
      await serving.bulk([person('Person', 'a', 1, { name: 'one' })]);
      const v2 = await reindexer.createIndex(personSpec('Person', 2));
      await reindexer.bulk([person('Person', 'a', 1, { name: 'two' })], { index: v2.index });
      await reindexer.swapAlias('Person', v2.index);
      assert.equal((await serving.get('Person', 'Person:a'))?.body['name'], 'two');
    } finally {
      await serving.close();
      await reindexer.close();
    }
  });

  it('filters a facet value too long to be an FTS5 token on the documents table instead', async () => {
    const store = openSqliteStore(freshDir());
    try {
      const { index } = await store.createIndex(personSpec('Person'));
      await store.swapAlias('Person', index);
      const long = 'Ville '.repeat(20);
      await store.bulk([person('Person', 'a', 1, { name: 'Ann', city: long }), person('Person', 'b', 1, { name: 'Ann', city: 'Oslo' })]);
      const page = await store.search('Person', { text: 'ann', filter: { field: 'city', op: 'in', value: [long, 'Oslo'] }, first: 5, sort: [{ field: 'id', order: 'asc' }] });
      assert.deepEqual(page.hits.map((h) => h.doc.id), ['Person:a', 'Person:b']);
      assert.equal(await store.count('Person', { filter: { field: 'city', op: 'eq', value: long } }), 1);
    } finally {
      await store.close();
    }
  });
});
