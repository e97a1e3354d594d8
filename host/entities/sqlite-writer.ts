// The SQLite entity store's writer: a worker thread with its own connection to the file, so that
// statements, commits and WAL checkpoints (a copy into the file and two fsyncs every ~4 MB of
// WAL) run beside the host's thread instead of on it. Measured on the 10k-node demo load, they
// were ~45 µs of the host's thread per entity batch, most of it the checkpoints.
//
// Its code is a string run with `eval` (plain CommonJS, no TypeScript loader), so it works the
// same from the sources under tsx, from the bundled command line and from an installed package.
// One message is one group of writes, committed in one transaction; if that fails, each write is
// tried in a transaction of its own, and the answer names the ones that failed.
import { Worker } from 'node:worker_threads';

/** One write on the wire: an entity row to upsert (exists 1) or delete (0), operations to delete and insert. */
export interface WireWrite {
  entity?: [id: string, exists: 0 | 1, state: string | null, lastOperationTime: number];
  deletes: number[];
  inserts: WireOperation[];
}

export type WireOperation = [seq: number, target: string, op: string, input: string, sender: string, enqueuedAt: number];

export type WriterRequest = { kind: 'group'; id: number; writes: WireWrite[] } | { kind: 'close' };
export type WriterAnswer =
  { kind: 'group'; id: number; rows: number; transactions: number; failed: Array<[index: number, message: string]> } | { kind: 'closed' };

const SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
const upsert = db.prepare('INSERT INTO entities (id, state, t) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, t = excluded.t');
const remove = db.prepare('DELETE FROM entities WHERE id = ?');
const insertOp = db.prepare('INSERT INTO operations (seq, target, op, input, sender, enqueued_at) VALUES (?, ?, ?, ?, ?, ?)');
const deleteOp = db.prepare('DELETE FROM operations WHERE seq = ?');
function apply(write) {
  if (write.entity) {
    const [id, exists, state, t] = write.entity;
    if (exists) upsert.run(id, state, t);
    else remove.run(id);
  }
  for (const seq of write.deletes) deleteOp.run(seq);
  for (const row of write.inserts) insertOp.run(row);
  return (write.entity ? 1 : 0) + write.deletes.length + write.inserts.length;
}
const group = db.transaction((writes) => writes.reduce((rows, write) => rows + apply(write), 0));
const alone = db.transaction(apply);
parentPort.on('message', (request) => {
  if (request.kind === 'close') {
    db.close();
    parentPort.postMessage({ kind: 'closed' });
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ kind: 'group', id: request.id, rows: group(request.writes), transactions: 1, failed: [] });
  } catch {
    const failed = [];
    let rows = 0;
    request.writes.forEach((write, index) => {
      try {
        rows += alone(write);
      } catch (err) {
        failed.push([index, err instanceof Error ? err.message : String(err)]);
      }
    });
    parentPort.postMessage({ kind: 'group', id: request.id, rows, transactions: request.writes.length, failed });
  }
});
`;

/** Starts the writer on `file` (whose tables exist already). */
export function startWriter(file: string): Worker {
  // No TypeScript loader or other flags of the host's process: the code is plain JavaScript.
  return new Worker(SOURCE, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3') }, execArgv: [] });
}
