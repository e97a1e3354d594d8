// The local host in a child process, for restart and kill -9 tests.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { json, testDataDir } from './host';
import { freePort } from '../../host/harness/processes';
import { azuriteLocation, connectionStringFor, localPorts, pidFileOf, portOpen } from '../../host/azurite';

const RUN_HOST = path.join(__dirname, '../fixtures/run-host.ts');

export interface ChildHost {
  child: ChildProcess;
  url: string;
  recovered: number;
}

/** Starts a host process on `connectionString`'s Azurite; `apps`: 'hot' only, or a built bundle. */
export function spawnHost(connectionString: string, env: Record<string, string> = {}, apps?: 'hot' | { name: string; main: string }): Promise<ChildHost> {
  const args = apps === undefined ? [] : apps === 'hot' ? ['hot'] : ['bundle', apps.name, apps.main];
  const child = spawn(process.execPath, ['--import', 'tsx', RUN_HOST, ...args], {
    env: { ...process.env, AzureWebJobsStorage: connectionString, MESH_STORE: 'azurite', PORT: '0', MESH_DATA_DIR: testDataDir(), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`host exited early with ${code}`)));
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, ...JSON.parse(line) }));
  });
}

export async function stopHost(host: ChildHost, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const exited = new Promise<number | null>((r) => host.child.once('exit', (code) => r(code)));
  host.child.kill(signal);
  return exited;
}

/** Waits until the host has no queued, running or in-transit work (from its /admin/host/status). */
export async function waitIdle(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await json(await fetch(`${url}/admin/host/status`));
    if (status.pendingOperations === 0 && status.running === 0) return;
    if (Date.now() > until) throw new Error(`host not idle after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Storage on free ports that nothing serves yet: the host starts its own Azurite there, in its data directory, as `npm start` does. */
export async function freeStorage(): Promise<string> {
  return connectionStringFor({ blob: await freePort(), queue: await freePort(), table: await freePort() });
}

/**
 * Kills, with SIGKILL and at once, the host and the Azurite it started in `dataDir` on
 * `connectionString`'s ports (a crash of everything, as when the machine's processes die), and
 * waits until both are gone.
 */
export async function killHostAndAzurite(host: ChildHost, dataDir: string, connectionString: string): Promise<void> {
  const pid = Number(fs.readFileSync(pidFileOf(azuriteLocation(dataDir)), 'utf8'));
  const exited = new Promise((r) => host.child.once('exit', r));
  host.child.kill('SIGKILL');
  process.kill(pid, 'SIGKILL');
  await exited;
  const table = localPorts(connectionString)!.table;
  // Not the pid: the killed host's child may stay a zombie a while. Its port closes as it dies.
  for (let i = 0; await portOpen(table); i++) {
    if (i > 200) throw new Error(`Azurite (pid ${pid}) still listens on ${table} after SIGKILL`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Stops a host still running (SIGTERM: it stops the Azurite it owns), else the Azurite it left in `dataDir`. */
export async function stopHostAndAzurite(host: ChildHost | undefined, dataDir: string): Promise<void> {
  if (host && host.child.exitCode === null && host.child.signalCode === null) await stopHost(host);
  const pidFile = pidFileOf(azuriteLocation(dataDir));
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  try {
    // Only while that pid is still an Azurite on this data directory (not a reused pid).
    if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(azuriteLocation(dataDir))) process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
