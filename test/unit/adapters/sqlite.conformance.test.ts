// The shared ProjectionStore conformance suite against the embedded SQLite store, plus what only
// a file-backed store must show: it survives a restart.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../../adapters/search/sqlite';
import { UnknownIndexError } from '../../../core/projection/port';
import { runProjectionStoreConformance } from '../../conformance/projection-store';
import { person, personSpec, tombstone } from '../../conformance/fixtures';

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
      assert.deepEqual(
        (await again.search('Person', { text: 'dora', filter: { field: 'city', op: 'eq', value: 'Oslo' }, first: 5 })).hits.map((h) => h.doc.id),
        ['Person:a'],
      );
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

  it('remembers the index behind an alias, and reads the new one once another connection swaps or deletes it', async () => {
    const dir = freshDir();
    const serving = openSqliteStore(dir);
    const reindexer = openSqliteStore(dir);
    // Every read the serving store offers, each answering which index version it read (searches
    // first: a get that finds the alias moved must not be what makes them see it).
    const reads = async (): Promise<Record<string, unknown>> => ({
      search: (await serving.search('Person', { text: 'ada', first: 5 })).hits.map((h) => h.doc.body['name']),
      count: await serving.count('Person', { filter: { field: 'city', op: 'eq', value: 'Oslo' } }),
      facets: await serving.facets('Person', ['city'], {}),
      get: (await serving.get('Person', 'Person:a'))?.body['name'],
      mget: (await serving.mget('Person', ['Person:a', 'Person:b'])).map((d) => d?.body['name']),
    });
    const v1 = { search: ['Ada one'], count: 1, facets: { city: [{ value: 'Oslo', count: 1 }] }, get: 'Ada one', mget: ['Ada one', undefined] };
    const v2 = { search: ['Ada two'], count: 0, facets: { city: [{ value: 'Rome', count: 2 }] }, get: 'Ada two', mget: ['Ada two', 'Bea two'] };
    try {
      const first = await serving.createIndex(personSpec('Person', 1));
      await serving.swapAlias('Person', first.index);
      await serving.bulk([person('Person', 'a', 1, { name: 'Ada one', city: 'Oslo' })]);
      const second = await reindexer.createIndex(personSpec('Person', 2));
      await reindexer.bulk([person('Person', 'a', 1, { name: 'Ada two', city: 'Rome' }), person('Person', 'b', 1, { name: 'Bea two', city: 'Rome' })], {
        index: second.index,
      });
      assert.deepEqual(await reads(), v1);
      assert.deepEqual(await reads(), v1, 'read again, from what it remembers');

      await reindexer.swapAlias('Person', second.index);
      assert.deepEqual(await reads(), v2, "another connection's swap is seen by the next read");
      await reindexer.swapAlias('Person', first.index);
      assert.deepEqual(await reads(), v1, 'and its swap back');
      await serving.swapAlias('Person', second.index);
      assert.deepEqual(await reads(), v2, "this connection's own swap");

      await reindexer.deleteIndex(second.index);
      for (const read of [() => serving.get('Person', 'Person:a'), () => serving.search('Person', { first: 5 })]) {
        await assert.rejects(read, (err: Error) => err instanceof UnknownIndexError, 'an index deleted elsewhere is no longer read');
      }
      await reindexer.swapAlias('Person', first.index);
      assert.deepEqual(await reads(), v1);
      await serving.deleteIndex(first.index);
      for (const read of [() => serving.search('Person', { first: 5 }), () => serving.get('Person', 'Person:a')]) {
        await assert.rejects(read, (err: Error) => err instanceof UnknownIndexError, 'nor one deleted here');
      }
    } finally {
      await serving.close();
      await reindexer.close();
    }
  });

  it('a bulk is in get at once and durable; another connection finds it pending and its search refreshes first', async () => {
    const dir = freshDir();
    const writer = openSqliteStore(dir, { refreshMs: 60_000 });
    const reader = openSqliteStore(dir, { refreshMs: 60_000 });
    try {
      const { index } = await writer.createIndex(personSpec('Person'));
      await writer.swapAlias('Person', index);
      await writer.bulk([person('Person', 'a', 1, { name: 'Pending Pia', city: 'Oslo' }), person('Person', 'b', 1, { name: 'Gone Gus' })]);
      await writer.bulk([tombstone('Person', 'b', 2)]);
      const raw = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
      assert.equal((raw.prepare('SELECT count(*) AS n FROM "Person_v1_pending"').get() as { n: number }).n, 2, 'nothing refreshed yet');
      assert.equal((raw.prepare('SELECT count(*) AS n FROM "Person_v1"').get() as { n: number }).n, 0);
      assert.equal((await reader.get('Person', 'Person:a'))?.body['name'], 'Pending Pia');
      assert.deepEqual(
        (await reader.search('Person', { text: 'pia', filter: { field: 'city', op: 'eq', value: 'Oslo' }, first: 5 })).hits.map((h) => h.doc.id),
        ['Person:a'],
      );
      assert.equal(await reader.count('Person'), 1);
      assert.equal((raw.prepare('SELECT count(*) AS n FROM "Person_v1_pending"').get() as { n: number }).n, 0);
      raw.close();
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('documents left pending by a closed store are made searchable by the next one', async () => {
    const dir = freshDir();
    const first = openSqliteStore(dir, { refreshMs: 60_000 });
    const { index } = await first.createIndex(personSpec('Person'));
    await first.swapAlias('Person', index);
    await first.bulk([person('Person', 'a', 1, { name: 'Later Lou' })]);
    await first.close();
    const again = openSqliteStore(dir, { refreshMs: 1 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const raw = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
      assert.equal((raw.prepare('SELECT count(*) AS n FROM "Person_v1_pending"').get() as { n: number }).n, 0, 'refreshed in the background');
      raw.close();
      assert.equal((await again.search('Person', { text: 'lou', first: 5 })).hits.length, 1);
    } finally {
      await again.close();
    }
  });

  it('by default refreshes in the background after the interval Elasticsearch uses (1 s), rewrites within it pending once; a search refreshes first', async () => {
    const dir = freshDir();
    const store = openSqliteStore(dir);
    try {
      const { index } = await store.createIndex(personSpec('Person'));
      await store.swapAlias('Person', index);
      for (let v = 1; v <= 3; v++) {
        await store.bulk([person('Person', 'a', v, { name: `Rewritten ${v}` })]);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      // 300 ms after the first write, no background refresh has run (Elasticsearch's default interval is 1 s).
      assert.equal(store.unrefreshed(), 1, 'three writes, one document pending');
      assert.deepEqual(
        (await store.search('Person', { text: 'rewritten', first: 5 })).hits.map((h) => h.doc.body['name']),
        ['Rewritten 3'],
        'a search refreshes first',
      );
      assert.equal(store.unrefreshed(), 0);
    } finally {
      await store.close();
    }
  });

  it('refuses an index written in an earlier layout, naming the file and the remedy', async () => {
    const dir = freshDir();
    fs.mkdirSync(dir, { recursive: true });
    const spec = personSpec('Person');
    const old = new Database(path.join(dir, SQLITE_FILE_NAME));
    const cols = spec.fields.map((_, i) => `, f${i}`).join('');
    old.exec(`CREATE TABLE mesh_indexes (name TEXT PRIMARY KEY, spec TEXT NOT NULL);
      CREATE TABLE mesh_aliases (type TEXT PRIMARY KEY, index_name TEXT NOT NULL REFERENCES mesh_indexes(name));
      CREATE TABLE "Person_v1" (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, deleted INTEGER NOT NULL${cols});
      CREATE TABLE "Person_v1_body" (rid INTEGER PRIMARY KEY, body TEXT NOT NULL);
      INSERT INTO "Person_v1" (rid, id, version, deleted) VALUES (1, 'Person:a', 4, 0), (2, 'Person:b', 2, 1);
      INSERT INTO "Person_v1_body" VALUES (1, '{"id":"a","name":"Old Olga"}');`);
    old.prepare('INSERT INTO mesh_indexes VALUES (?, ?)').run('Person_v1', JSON.stringify(spec));
    old.exec(`INSERT INTO mesh_aliases VALUES ('Person', 'Person_v1')`);
    old.close();
    assert.throws(
      () => openSqliteStore(dir),
      (err: Error) => err.name === 'ConfigError' && /Person_v1/.test(err.message) && err.message.includes(SQLITE_FILE_NAME) && /reindex/.test(err.message),
    );
  });

  it('filters a facet value too long to be an FTS5 token on the documents table instead', async () => {
    const store = openSqliteStore(freshDir());
    try {
      const { index } = await store.createIndex(personSpec('Person'));
      await store.swapAlias('Person', index);
      const long = 'Ville '.repeat(20);
      await store.bulk([person('Person', 'a', 1, { name: 'Ann', city: long }), person('Person', 'b', 1, { name: 'Ann', city: 'Oslo' })]);
      const page = await store.search('Person', {
        text: 'ann',
        filter: { field: 'city', op: 'in', value: [long, 'Oslo'] },
        first: 5,
        sort: [{ field: 'id', order: 'asc' }],
      });
      assert.deepEqual(
        page.hits.map((h) => h.doc.id),
        ['Person:a', 'Person:b'],
      );
      assert.equal(await store.count('Person', { filter: { field: 'city', op: 'eq', value: long } }), 1);
    } finally {
      await store.close();
    }
  });
});
