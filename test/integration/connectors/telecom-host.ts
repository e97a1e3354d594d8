// The hot and cold apps in the local host with the telecom contracts (whose sources the connectors
// feed): entities in memory, dead letters in a private Azurite. For the connectors' tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHost, type RunningHost } from '../../../host/main';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { COLD_APP, HOT_APP } from '../../helpers/mesh-host';

export function useTelecomHost(): { readonly host: RunningHost } {
  let azurite: TestAzurite | undefined;
  let host: RunningHost | undefined;
  before(async () => {
    azurite = await startTestAzurite();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-connectors-'));
    Object.assign(process.env, {
      AzureWebJobsStorage: azurite.connectionString,
      MESH_CONTRACTS: 'contracts/telecom',
      MESH_DATA_DIR: dataDir,
      EventHubConnection: '',
    });
    host = await startHost({
      apps: [
        { name: 'hot', entry: HOT_APP },
        { name: 'cold', entry: COLD_APP },
      ],
      port: 0,
      store: 'memory',
      log: () => {},
    });
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
  });
  return {
    get host(): RunningHost {
      if (!host) throw new Error('the host is not started (use it inside tests of the suite)');
      return host;
    },
  };
}

/** A node as the cold app shows it (GET /api/nodes/{type}/{id}), or undefined when there is none. */
export async function nodeOf(host: RunningHost, type: string, id: string): Promise<any> {
  const res = await fetch(`${host.url}/api/nodes/${type}/${encodeURIComponent(id)}`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, `GET nodes/${type}/${id}: ${res.status}`);
  return res.json();
}

export async function historyOf(host: RunningHost, type: string, id: string): Promise<any[]> {
  const res = await fetch(`${host.url}/api/nodes/${type}/${encodeURIComponent(id)}/history`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { entries: any[] }).entries;
}
