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

  it('writes concurrent commits and appends in shared transactions, at most 1,024 writes each', async () => {
    const writes = [
      ...Array.from({ length: 1000 }, (_, i) =>
        store.commit({ entity: entity(`k${i}`, `{"i":${i}}`), consumed: [], emitted: [op(instanceId('counter', `k${i + 1}`))] }),
      ),
      ...Array.from({ length: 300 }, (_, i) => store.enqueue([op(instanceId('counter', `q${i}`))])),
    ];
    await Promise.all(writes);
    const { transactions, rowsWritten } = store.stats();
    assert.equal(transactions, 2, '1,300 writes of one turn of the event loop: two transactions');
    assert.equal(rowsWritten, 1000 * 2 + 300);
  });

  it('a commit is all or nothing: one whose emitted signal cannot be stored leaves state and queue as they were', async () => {
    const id = instanceId('counter', 'atomic');
    const [a, b] = [op(id), op(id)];
    await store.enqueue([a, b]);
    await store.commit({ entity: entity('atomic', '{"value":1}'), consumed: [], emitted: [] });
    // An emitted operation with the sequence of one still queued breaks the primary key, after
    // the state was written and the consumed operation deleted in the same transaction.
    await assert.rejects(
      store.commit({ entity: entity('atomic', '{"value":2}'), consumed: [a], emitted: [{ ...b, from: id }] }),
      /UNIQUE constraint failed: operations.seq/,
    );
    assert.equal((await store.read(id))?.state, '{"value":1}');
    assert.deepEqual((await store.open()).pending, [a, b]);
  });

  it('one write that fails in the writer fails alone; the writes that shared its transaction are kept', async () => {
    const taken = op(instanceId('counter', 'b'));
    await store.enqueue([taken]);
    const good = Array.from({ length: 20 }, (_, i) => store.commit({ entity: entity(`g${i}`, `{"g":${i}}`), consumed: [], emitted: [] }));
    const bad = store.enqueue([{ ...taken, input: '2' }]);
    const more = Array.from({ length: 20 }, (_, i) => store.enqueue([op(instanceId('counter', `m${i}`))]));
    await assert.rejects(bad, /UNIQUE constraint failed/);
    await Promise.all([...good, ...more]);
    for (let i = 0; i < 20; i++) assert.equal((await store.read(instanceId('counter', `g${i}`)))?.state, `{"g":${i}}`);
    assert.equal((await store.open()).pending.length, 21);
  });

  it('refuses at once a write the file cannot keep: a sequence that is not a number', async () => {
    await assert.rejects(store.enqueue([op(instanceId('counter', 'x'), 'x1')]), /operation sequence "x1" is not a decimal number/);
    assert.equal(store.stats().transactions, 0);
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
