// The hot and cold apps in the local host with the telecom contracts (whose sources the connectors
// feed): entities in memory, dead letters in a private Azurite. For the connectors' tests.
import assert from 'node:assert/strict';
import type { RunningHost } from '../../../host/main';
import { TELECOM_CONTRACTS, useMeshHost } from '../../helpers/mesh-host';

export function useTelecomHost(): { readonly host: RunningHost } {
  const suite = useMeshHost({ contracts: TELECOM_CONTRACTS, store: 'memory', withCold: true });
  return {
    get host(): RunningHost {
      return suite.mesh.host;
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
