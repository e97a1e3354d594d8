// Starts Azurite (a real Azure Storage emulator, from node_modules) when nothing listens on its
// ports, and stops it cleanly on exit (a clean stop saves its tables to disk at once).
// An Azurite this host started before and that outlived a crash (kill -9 of the host) is
// adopted through its pid file; any other running Azurite is used as it is and left running.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Azurite's well-known development account (public, documented; not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export const DEFAULT_PORTS: AzuritePorts = { blob: 10000, queue: 10001, table: 10002 };

export function connectionStringFor(ports: AzuritePorts, host = '127.0.0.1'): string {
  const ep = (port: number) => `http://${host}:${port}/${DEV_ACCOUNT}`;
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${ep(ports.blob)};QueueEndpoint=${ep(ports.queue)};TableEndpoint=${ep(ports.table)};`;
}

/** The emulator ports a connection string points at, or undefined when it is not local. */
export function localPorts(connectionString: string): AzuritePorts | undefined {
  if (connectionString.trim() === 'UseDevelopmentStorage=true') return DEFAULT_PORTS;
  const port = (name: string, fallback: number) => {
    const m = new RegExp(`${name}Endpoint=https?://(127\\.0\\.0\\.1|localhost):(\\d+)`, 'i').exec(connectionString);
    return m ? Number(m[2]) : fallback;
  };
  if (!/(127\.0\.0\.1|localhost)/i.test(connectionString)) return undefined;
  return { blob: port('Blob', DEFAULT_PORTS.blob), queue: port('Queue', DEFAULT_PORTS.queue), table: port('Table', DEFAULT_PORTS.table) };
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface RunningAzurite {
  /** True when this process started (or adopted) it and so stops it. */
  owned: boolean;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopper(pid: number, child?: ChildProcess): () => Promise<void> {
  return async () => {
    if (!alive(pid)) return;
    const exited = child ? new Promise<void>((r) => child.once('exit', () => r())) : waitFor(async () => !alive(pid), 15_000, `Azurite (pid ${pid}) to exit`);
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => alive(pid) && process.kill(pid, 'SIGKILL'), 10_000);
    await exited.catch(() => {});
    clearTimeout(timer);
  };
}

export async function ensureAzurite(dataDir: string, ports: AzuritePorts, log: (msg: string) => void): Promise<RunningAzurite> {
  const location = path.resolve(dataDir, 'azurite');
  const pidFile = path.join(location, 'azurite.pid');
  if (await portOpen(ports.table)) {
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : NaN;
    if (Number.isInteger(pid) && alive(pid)) {
      log(`adopting Azurite left running by an earlier host (pid ${pid})`);
      return { owned: true, stop: stopper(pid) };
    }
    log(`using the storage already listening on 127.0.0.1:${ports.table}`);
    return { owned: false, stop: async () => {} };
  }
  fs.mkdirSync(location, { recursive: true });
  const script = require.resolve('azurite/dist/src/azurite.js');
  const child = spawn(
    process.execPath,
    [script, '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--location', location,
      '--blobHost', '127.0.0.1', '--queueHost', '127.0.0.1', '--tableHost', '127.0.0.1',
      '--blobPort', String(ports.blob), '--queuePort', String(ports.queue), '--tablePort', String(ports.table)],
    // Output goes to a file, not a pipe: Azurite must outlive a kill -9 of the host.
    { stdio: ['ignore', 'ignore', fs.openSync(path.join(location, 'azurite.log'), 'a')] },
  );
  const exitedEarly = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Azurite exited (code ${code}) while starting; see ${path.join(location, 'azurite.log')}`))),
  );
  exitedEarly.catch(() => {});
  await Promise.race([waitFor(() => portOpen(ports.table), 20_000, `Azurite on port ${ports.table}`), exitedEarly]);
  fs.writeFileSync(pidFile, String(child.pid));
  log(`started Azurite (pid ${child.pid}) on ports ${ports.blob}/${ports.queue}/${ports.table}, data in ${location}`);
  const stop = stopper(child.pid!, child);
  return {
    owned: true,
    stop: async () => {
      await stop();
      fs.rmSync(pidFile, { force: true });
    },
  };
}
