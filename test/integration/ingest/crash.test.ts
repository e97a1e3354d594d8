// A kill -9 of the host process during ingestion loses nothing that was acknowledged: after a
// restart every acknowledged event is applied and projected.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { spawnHost, stopHost, waitIdle } from '../../helpers/child-host';
import { cloudEvent as ce, GRAPH_CONTRACTS, ingest } from '../../helpers/mesh-host';
import { openSqliteStore } from '../../../adapters/search/sqlite';

describe('ingestion survives kill -9 of the host', () => {
  let azurite: TestAzurite;
  let dataDir: string;
  before(async () => {
    azurite = await startTestAzurite();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-crash-'));
  });
  after(async () => {
    await azurite.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every acknowledged event after a SIGKILL mid-stream and a restart', async () => {
    const env = { MESH_CONTRACTS: GRAPH_CONTRACTS, MESH_DATA_DIR: dataDir, EventHubConnection: '' };
    const first = await spawnHost(azurite.connectionString, env, 'hot');
    const people = 40;
    const rounds = 8;
    let acknowledged = 0;
    for (let round = 1; round <= rounds; round++) {
      const batch = Array.from({ length: people }, (_, p) => ce('hr', 'upsert', `Person/k${p}`, round, { name: `Person ${p}`, level: round }));
      if (round === 2) batch.push(...Array.from({ length: people }, (_, p) => ce('org', 'link', `Person/k${p}`, 1, { rel: 'teams', to: `Team/k${p % 5}` })));
      const { status, body } = await ingest(first.url, batch, false);
      assert.equal(status, 202);
      acknowledged += body.accepted;
    }
    await stopHost(first, 'SIGKILL');
    assert.equal(acknowledged, people * rounds + people);

    const second = await spawnHost(azurite.connectionString, env, 'hot');
    const index = openSqliteStore(dataDir);
    try {
      assert.ok(second.recovered > 0, 'the kill left acknowledged work for the restart to resume');
      await waitIdle(second.url);
      for (let p = 0; p < people; p++) {
        const doc = await index.get('Person', `Person:k${p}`);
        assert.equal(doc?.body.level, rounds, `Person k${p} has its last level`);
        assert.deepEqual(doc?.body.teams, [`k${p % 5}`], `Person k${p} keeps its team`);
      }
    } finally {
      await index.close();
      await stopHost(second);
    }
  });
});
