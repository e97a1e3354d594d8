// One local host per data directory. Two hosts on one MESH_DATA_DIR would write the same SQLite
// index and take over each other's Azurite pid file, so a running host holds `host.lock` there
// (its pid, the process's start time and its port) and a second one refuses, naming the holder.
// A lock whose process is gone (a kill -9) is stale and taken over.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../core/errors';

export const LOCK_FILE = 'host.lock';

interface LockRecord {
  pid: number;
  /** The process's start time as the kernel tells it (Linux), so a reused pid is not the holder. */
  processStart?: string;
  hostname: string;
  startedAt: string;
  port?: number;
  /** Tells this lock from a later one of the same process. */
  token?: string;
}

export interface DataDirLock {
  /** The data directory, absolute and with symbolic links resolved. */
  dir: string;
  /** Records the port once the host listens. */
  setPort(port: number): void;
  /** Removes the lock if it is still this host's. */
  release(): void;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined elsewhere. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holds(record: LockRecord): boolean {
  if (record.hostname !== os.hostname()) return true; // another machine's host (a shared folder): cannot tell, so it holds
  if (!alive(record.pid)) return false;
  const start = processStart(record.pid);
  return record.processStart === undefined || start === undefined || start === record.processStart;
}

function read(file: string): LockRecord | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as LockRecord;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `record` to `file` whole: through a temporary file, linked (create) or renamed (replace). */
function writeWhole(file: string, record: LockRecord, create: boolean): void {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(record) + '\n');
  try {
    if (create)
      fs.linkSync(temp, file); // fails with EEXIST when another host holds it
    else fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.realpathSync(dataDir);
  const file = path.join(dir, LOCK_FILE);
  const start = processStart(process.pid);
  const mine: LockRecord = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
    ...(start ? { processStart: start } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      writeWhole(file, mine, true);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    }
    const holder = read(file);
    if (holder && holds(holder)) {
      const where = holder.port !== undefined ? `, port ${holder.port}` : '';
      const machine = holder.hostname !== os.hostname() ? ` on ${holder.hostname}` : '';
      throw new ConfigError(
        'MESH_DATA_DIR',
        `${dir} is in use by another meshgraph host (pid ${holder.pid}${machine}${where}, started ${holder.startedAt}): stop it, or give this one another MESH_DATA_DIR (its lock: ${file})`,
      );
    }
    // Stale (its process is gone) or unreadable: take it over. Moved aside first and compared, so
    // a host doing the same at once cannot remove the lock the other has just taken.
    const aside = `${file}.${process.pid}.stale`;
    try {
      fs.renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = read(aside);
    if (holder !== undefined && moved !== undefined && (moved.pid !== holder.pid || moved.token !== holder.token || moved.startedAt !== holder.startedAt)) {
      try {
        fs.linkSync(aside, file); // a live lock taken meanwhile: put it back
      } catch {
        // another contender took the place: it holds the lock
      }
    }
    fs.rmSync(aside, { force: true });
  }
  const isMine = () => {
    const now = read(file);
    return now !== undefined && now.token === mine.token;
  };
  return {
    dir,
    setPort: (port) => {
      if (!isMine()) return;
      mine.port = port;
      writeWhole(file, mine, false);
    },
    release: () => {
      if (isMine()) fs.rmSync(file, { force: true });
    },
  };
}
