// Stopping the local host (Ctrl-C of `npm start`) while events still wait in its event stream:
// the stream's trigger calls the durable client API over the host's own HTTP server, so the
// batches in flight finish only if that server still answers them. Nothing fails, stop ends, a
// request sent meanwhile gets a 503, and what was left runs after a restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost, type RunningHost } from '../../../host/main';
import type { LogSink } from '../../../host/worker/app';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { cloudEvent as ce, GRAPH_CONTRACTS, HOT_APP, ingest } from '../../helpers/mesh-host';
import { openSqliteStore } from '../../../adapters/search/sqlite';

describe('stopping the local host with events in its stream', () => {
  let azurite: TestAzurite;
  let dataDir: string;
  before(async () => {
    azurite = await startTestAzurite();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-stop-'));
    Object.assign(process.env, {
      AzureWebJobsStorage: azurite.connectionString,
      MESH_CONTRACTS: GRAPH_CONTRACTS,
      MESH_DATA_DIR: dataDir,
      EventHubConnection: '',
    });
  });
  after(async () => {
    await azurite.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const errors: string[] = [];
  const log: LogSink = (entry) => void (entry.level === 'error' && errors.push(entry.message.split('\n')[0]!));
  const start = () => startHost({ apps: [{ name: 'hot', entry: HOT_APP }], port: 0, store: 'azurite', log });

  it('finishes the batches in flight without an error, ends, and the rest runs after a restart', async () => {
    const first: RunningHost = await start();
    const people = 300;
    for (let round = 1; round <= 4; round++) {
      const { status } = await ingest(
        first.url,
        Array.from({ length: people }, (_, p) => ce('hr', 'upsert', `Person/s${p}`, round, { name: `Person ${p}`, level: round })),
        false,
      );
      assert.equal(status, 202);
    }
    assert.ok(first.runtime.depth().pendingOperations > 0, 'events still wait in the stream when the stop begins');
    let stopped = false;
    const stopping = first.stop().then(() => (stopped = true));
    const late = await ingest(first.url, [ce('hr', 'upsert', 'Person/late', 1, { name: 'Late' })], false);
    assert.deepEqual([late.status, late.body.code], [503, 'stopping'], 'a request after the stop began is refused, not half done');
    await Promise.race([stopping, new Promise((r) => setTimeout(r, 60_000).unref())]);
    assert.ok(stopped, 'stop ended');
    assert.deepEqual(errors, [], 'no batch failed while stopping');

    const second = await start();
    const index = openSqliteStore(dataDir);
    try {
      await second.runtime.idle();
      for (let p = 0; p < people; p++) assert.equal((await index.get('Person', `Person:s${p}`))?.body.level, 4, `Person s${p}`);
    } finally {
      await index.close();
      await second.stop();
    }
    assert.deepEqual(errors, []);
  });
});
