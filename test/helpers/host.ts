// Starts the local host with the fixture app (and the hot app for /api/health) for a test.
import path from 'node:path';
import { startHost, type RunningHost } from '../../host/main';

export const FIXTURE_APP = path.join(__dirname, '../fixtures/app/index.ts');
export const HOT_APP = path.join(__dirname, '../../functions/index.ts');

export async function startFixtureHost(store: 'memory' | 'azurite', env: Record<string, string> = {}): Promise<RunningHost> {
  Object.assign(process.env, { AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...env });
  return startHost({
    apps: [{ name: 'fixture', entry: FIXTURE_APP }, { name: 'hot', entry: HOT_APP }],
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
