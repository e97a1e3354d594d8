// A private PostgreSQL cluster for a test file or a benchmark: initdb into a temporary folder,
// `wal_level=logical`, listening on a free loopback port only, stopped and removed afterwards.
// PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (the
// Debian package creates it) or `nobody`. The binaries come from /usr/lib/postgresql/<version>/bin.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './processes';

export interface TestPostgres {
  url: string;
  port: number;
  bin: string;
  dir: string;
  stop(): void;
}

/** The newest installed PostgreSQL's bin folder, or undefined when there is none. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : undefined;
}

/** Why Postgres tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  return postgresBin() ? undefined : 'PostgreSQL binaries are not installed (/usr/lib/postgresql/*/bin/pg_ctl); `apt-get install -y postgresql` (.ci/run does)';
}

function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to own the test cluster');
}

export async function startTestPostgres(settings: Record<string, string> = {}): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error(postgresMissing());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-pg-'));
  const as = owner();
  if (as) fs.chownSync(dir, as.uid, as.gid);
  const run = (tool: string, args: string[]) => {
    const r = spawnSync(path.join(bin, tool), args, {
      encoding: 'utf8',
      cwd: dir,
      ...(as ? { uid: as.uid, gid: as.gid } : {}),
      env: { ...process.env, LC_ALL: 'C' },
    });
    if (r.status !== 0)
      throw new Error(
        `${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}${fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : ''}`,
      );
  };
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const options = {
    wal_level: 'logical',
    port: String(port),
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_wal_senders: '10',
    max_replication_slots: '10',
    ...settings,
  };
  fs.appendFileSync(
    path.join(data, 'postgresql.conf'),
    Object.entries(options)
      .map(([k, v]) => `${k} = '${v}'\n`)
      .join(''),
  );
  run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'log')]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    bin,
    dir,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
