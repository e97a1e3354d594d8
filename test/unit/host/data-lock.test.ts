// One host per data directory: the lock names its holder; a lock whose process is gone is taken
// over; a host never removes another's lock.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE, lockDataDir } from '../../../host/data-lock';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-lock-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(run.stdout);
}

describe('the data directory lock', () => {
  it("refuses a second holder, naming the directory, the holder's pid and port; free again once released", () => {
    const dir = path.join(root, 'a', 'data');
    const first = lockDataDir(dir);
    assert.equal(first.dir, fs.realpathSync(dir));
    first.setPort(17071);
    assert.throws(
      () => lockDataDir(dir),
      (e: Error) =>
        e.message.startsWith(`setting MESH_DATA_DIR: ${first.dir} is in use by another meshgraph host (pid ${process.pid}, port 17071, started `) &&
        e.message.includes('give this one another MESH_DATA_DIR'),
    );
    first.release();
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
    lockDataDir(dir).release();
  });

  it('takes over the lock of a process that is gone, or of a reused pid', () => {
    const dir = fs.mkdtempSync(path.join(root, 'stale-'));
    const file = path.join(dir, LOCK_FILE);
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), hostname: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z', port: 7071 }));
    const taken = lockDataDir(dir);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pid, process.pid);
    taken.release();
    if (fs.existsSync(`/proc/${process.pid}/stat`)) {
      // This process's pid, but another process start time: the pid was reused, the holder is gone.
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, processStart: '1', hostname: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
      lockDataDir(dir).release();
    }
  });

  it('a released or replaced lock is not removed by its former holder', () => {
    const dir = fs.mkdtempSync(path.join(root, 'replaced-'));
    const file = path.join(dir, LOCK_FILE);
    const old = lockDataDir(dir);
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), hostname: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
    const next = lockDataDir(dir); // the old record is stale: taken over
    old.release();
    old.setPort(1);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).startedAt !== '2020-01-01T00:00:00.000Z', true);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).port, undefined, 'the former holder did not write into it');
    next.release();
  });
});
