// What the SQLite entity store adds to the conformance suite: concurrent writes share bounded
// transactions, a commit is all or nothing, one bad write fails alone, and the file refuses what
// it could not keep.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ENTITY_STORE_FILE, openSqliteEntityStore, type SqliteEntityStore } from '../../../host/entities/sqlite-store';
import { instanceId, type QueuedOperation } from '../../../host/entities/store';

let n = 0;
const op = (target: string, seq = String(++n).padStart(17, '0')): QueuedOperation => ({ seq, target, op: 'add', input: '1', from: 'client', enqueuedAt: 1 });
const entity = (key: string, state: string) => ({ id: instanceId('counter', key), exists: true, state, lastOperationTime: 1 });

describe('SQLite entity store', () => {
  let dir: string;
  let store: SqliteEntityStore;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-entities-'));
    store = openSqliteEntityStore(dir);
    await store.open();
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is a file in the data directory, in WAL mode', () => {
    assert.ok(fs.existsSync(path.join(dir, ENTITY_STORE_FILE)));
    const db = new Database(path.join(dir, ENTITY_STORE_FILE), { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('writes concurrent commits and appends in shared transactions, at most 512 writes each', async () => {
    const writes = [
      ...Array.from({ length: 700 }, (_, i) => store.commit({ entity: entity(`k${i}`, `{"i":${i}}`), consumed: [], emitted: [op(instanceId('counter', `k${i + 1}`))] })),
      ...Array.from({ length: 300 }, (_, i) => store.enqueue([op(instanceId('counter', `q${i}`))])),
    ];
    await Promise.all(writes);
    const { transactions, rowsWritten } = store.stats();
    assert.equal(transactions, 2, '1,000 writes of one turn of the event loop: two transactions of at most 512');
    assert.equal(rowsWritten, 700 * 2 + 300);
  });

  it('a commit is all or nothing: one that cannot store its emitted signal leaves state and queue as they were', async () => {
    const id = instanceId('counter', 'atomic');
    const queued = op(id);
    await store.enqueue([queued]);
    await store.commit({ entity: entity('atomic', '{"value":1}'), consumed: [], emitted: [] });
    // A sequence the store cannot keep makes the insert of the emitted operation fail, after the
    // state and the consumed operation were written in the same transaction.
    await assert.rejects(store.commit({ entity: entity('atomic', '{"value":2}'), consumed: [queued], emitted: [op(id, 'not-a-number')] }), /operation sequence "not-a-number"/);
    assert.equal((await store.read(id))?.state, '{"value":1}');
    assert.deepEqual((await store.open()).pending, [queued]);
  });

  it('one bad write fails alone; the writes that shared its transaction are kept', async () => {
    const good = Array.from({ length: 20 }, (_, i) => store.commit({ entity: entity(`g${i}`, `{"g":${i}}`), consumed: [], emitted: [] }));
    const bad = store.enqueue([op(instanceId('counter', 'b'), 'x1')]);
    const more = Array.from({ length: 20 }, (_, i) => store.enqueue([op(instanceId('counter', `m${i}`))]));
    await assert.rejects(bad, /operation sequence "x1"/);
    await Promise.all([...good, ...more]);
    for (let i = 0; i < 20; i++) assert.equal((await store.read(instanceId('counter', `g${i}`)))?.state, `{"g":${i}}`);
    assert.equal((await store.open()).pending.length, 20);
  });

  it('refuses an entity id with a lone surrogate half (UTF-8 would merge it with others)', async () => {
    await assert.rejects(store.commit({ entity: entity('a\ud800', '{}'), consumed: [], emitted: [] }), /lone surrogate/);
    await assert.rejects(store.enqueue([op(instanceId('counter', '\udc00b'))]), /lone surrogate/);
  });

  it('writes what is queued when closed, and refuses writes after', async () => {
    const pending = store.commit({ entity: entity('late', '{"late":true}'), consumed: [], emitted: [] });
    await store.close();
    await pending;
    await assert.rejects(store.enqueue([op(instanceId('counter', 'x'))]), /closed/);
    store = openSqliteEntityStore(dir);
    assert.equal((await store.read(instanceId('counter', 'late')))?.state, '{"late":true}');
  });

  it('refuses a file of a newer schema, naming it', async () => {
    await store.close();
    const db = new Database(path.join(dir, ENTITY_STORE_FILE));
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => openSqliteEntityStore(dir), /entities\.sqlite was written by a newer meshgraph \(entity store schema 99/);
    store = openSqliteEntityStore(fs.mkdtempSync(path.join(dir, 'other-')));
  });
});
