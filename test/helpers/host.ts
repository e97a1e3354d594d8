// Starts the local host with the fixture app (and the hot app for /api/health) for a test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost, type RunningHost } from '../../host/main';
import type { HostStoreKind } from '../../core/config';

export const FIXTURE_APP = path.join(__dirname, '../fixtures/app/index.ts');
export const HOT_APP = path.join(__dirname, '../../functions/index.ts');

let dataDir: string | undefined;
/**
 * This test process's data directory (made on first use): the hosts a test file starts one after
 * the other share it (a restart finds its Azurite's marker), and never the project's `.data`.
 */
export function testDataDir(): string {
  return (dataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-host-')));
}

export async function startFixtureHost(store: HostStoreKind, env: Record<string, string> = {}): Promise<RunningHost> {
  Object.assign(process.env, { AzureWebJobsStorage: 'UseDevelopmentStorage=true', MESH_DATA_DIR: testDataDir(), ...env });
  return startHost({
    apps: [
      { name: 'fixture', entry: FIXTURE_APP },
      { name: 'hot', entry: HOT_APP },
    ],
    port: 0,
    store,
    log: () => {},
  });
}

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  return text === '' ? undefined : JSON.parse(text);
}

export function post(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
}
