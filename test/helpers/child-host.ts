// The local host in a child process, for restart and kill -9 tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { json, testDataDir } from './host';

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
