// The cold bundle as deployed: a fresh process loads dist/cold only and answers a subgraph from
// the entities the hot app wrote.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApps } from '../../../cli/build';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { spawnHost, stopHost } from '../../helpers/child-host';
import { cloudEvent as ce, GRAPH_CONTRACTS, ingest, startMeshHost } from '../../helpers/mesh-host';

describe('cold bundle smoke test', () => {
  let azurite: TestAzurite;
  let out: string;
  let dataDir: string;
  before(async () => {
    azurite = await startTestAzurite();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-smoke-'));
    fs.mkdirSync(path.join(process.cwd(), '.data'), { recursive: true });
    out = fs.mkdtempSync(path.join(process.cwd(), '.data', 'dist-'));
  });
  after(async () => {
    await azurite.stop();
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a subgraph from a fresh process that loads only dist/cold', async () => {
    process.env.MESH_CONTRACTS = GRAPH_CONTRACTS;
    const cold = (await buildApps(process.cwd(), out)).find((a) => a.name === 'cold')!;
    const mesh = await startMeshHost(azurite.connectionString, dataDir);
    await ingest(mesh.host.url, [
      ce('hr', 'upsert', 'Person/s1', 1, { name: 'Smoke' }),
      ce('org', 'upsert', 'Team/s1', 1, { name: 'Test' }),
      ce('org', 'link', 'Person/s1', 2, { rel: 'teams', to: 'Team/s1' }),
    ]);
    await mesh.host.runtime.idle();
    await mesh.stop();

    const host = await spawnHost(azurite.connectionString, { MESH_CONTRACTS: GRAPH_CONTRACTS, MESH_DATA_DIR: dataDir }, { name: 'cold', main: cold.main });
    try {
      const res = await fetch(`${host.url}/api/nodes/Person/s1/subgraph?depth=1`);
      assert.equal(res.status, 200);
      const graph = (await res.json()) as { nodes: Array<{ id: string; fields: Record<string, unknown> }>; edges: unknown[] };
      assert.deepEqual(graph.nodes.map((n) => n.id).sort(), ['Person:s1', 'Team:s1']);
      assert.equal(graph.nodes.find((n) => n.id === 'Person:s1')?.fields.name, 'Smoke');
      assert.equal(graph.edges.length, 1);
      assert.equal((await fetch(`${host.url}/api/events`, { method: 'POST' })).status, 404, 'the cold app has no ingest endpoint');
    } finally {
      await stopHost(host);
    }
  });
});
