// A kill -9 of the host (its entity store, SQLite by default, dies with it) and of the Azurite it
// started, during ingestion with several posts in flight and none waiting, loses nothing that was
// acknowledged: after a restart, and the posts that got no answer sent again, every acknowledged
// event is applied and projected.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeStorage, killHostAndAzurite, spawnHost, stopHostAndAzurite, waitIdle, type ChildHost } from '../../helpers/child-host';
import { cloudEvent as ce, GRAPH_CONTRACTS, ingest } from '../../helpers/mesh-host';
import { openSqliteStore } from '../../../adapters/search/sqlite';

describe('ingestion survives kill -9 of the host and its Azurite', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-crash-'));
  let host: ChildHost | undefined;
  after(async () => {
    await stopHostAndAzurite(host, dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every acknowledged event after a SIGKILL with posts in flight, a restart and a resend of the unanswered', async () => {
    // Free ports nothing serves: the host starts Azurite in its data directory, as `npm start` does.
    const connection = await freeStorage();
    const env = { MESH_CONTRACTS: GRAPH_CONTRACTS, MESH_DATA_DIR: dataDir, EventHubConnection: '', MESH_STORE: 'sqlite' };
    host = await spawnHost(connection, env, 'hot');
    const people = 40;
    const rounds = 8;
    const batches = Array.from({ length: rounds }, (_, r) => {
      const round = r + 1;
      const batch = Array.from({ length: people }, (_, p) => ce('hr', 'upsert', `Person/k${p}`, round, { name: `Person ${p}`, level: round }));
      if (round === 2) batch.push(...Array.from({ length: people }, (_, p) => ce('org', 'link', `Person/k${p}`, 1, { rel: 'teams', to: `Team/k${p % 5}` })));
      return batch;
    });
    // Every round at once; the kill comes once three are acknowledged, the others in flight.
    const url = host.url;
    let acknowledged = 0;
    let reached = () => {};
    const threeAcknowledged = new Promise<void>((resolve) => (reached = resolve));
    const answers = batches.map((batch) =>
      ingest(url, batch, false).then(
        ({ status }) => {
          assert.equal(status, 202);
          if (++acknowledged === 3) reached();
          return true;
        },
        () => false,
      ),
    );
    await threeAcknowledged;
    await killHostAndAzurite(host, dataDir, connection);
    const answered = await Promise.all(answers);

    host = await spawnHost(connection, env, 'hot');
    assert.ok(host.recovered > 0, 'the kill left acknowledged work for the restart to resume');
    for (const [r, ok] of answered.entries()) if (!ok) assert.equal((await ingest(host.url, batches[r]!, false)).status, 202);
    const index = openSqliteStore(dataDir);
    try {
      await waitIdle(host.url);
      for (let p = 0; p < people; p++) {
        const doc = await index.get('Person', `Person:k${p}`);
        assert.equal(doc?.body.level, rounds, `Person k${p} has its last level`);
        assert.deepEqual(doc?.body.teams, [`k${p % 5}`], `Person k${p} keeps its team`);
      }
    } finally {
      await index.close();
    }
  });
});
