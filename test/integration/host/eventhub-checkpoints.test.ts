// Event Hubs checkpoints in blob storage on a real (private) Azurite, through the local host's
// wiring: with the Azurite store and EventHubConnection set, the host builds the blob checkpoint
// store and gives it to the consumer client; a successful batch's checkpoint is then in the blob
// container (read back by a fresh store, as a restarted host would), a failed batch's is not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { blobCheckpointStore, CHECKPOINT_CONTAINER } from '../../../host/eventhub-consumer';
import { startHost, type RunningHost } from '../../../host/main';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { CONNECTION, fakeClients, fixture, NAMESPACE } from '../../helpers/eventhub-fake-client';
import { setEnvUntilRestored } from '../../helpers/env';

const FIXTURE_APP = path.join(__dirname, '../../fixtures/eventhub-app/index.ts');

describe('Event Hubs checkpoints in blob storage (Azurite)', () => {
  let azurite: TestAzurite;
  let dataDir: string;
  before(async () => {
    azurite = await startTestAzurite();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-eh-cp-'));
  });
  after(async () => {
    await azurite.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the store creates its container and keeps checkpoints a fresh store reads back', async () => {
    const store = await blobCheckpointStore({ connectionString: azurite.connectionString });
    assert.equal(await new ContainerClient(azurite.connectionString, CHECKPOINT_CONTAINER).exists(), true);
    await store.updateCheckpoint({
      fullyQualifiedNamespace: NAMESPACE,
      eventHubName: 'direct',
      consumerGroup: '$Default',
      partitionId: '3',
      sequenceNumber: 41,
      offset: '4100',
    });
    const again = await blobCheckpointStore({ connectionString: azurite.connectionString });
    const listed = await again.listCheckpoints(NAMESPACE, 'direct', '$Default');
    assert.deepEqual(
      listed.map((c) => [c.partitionId, c.sequenceNumber, c.offset]),
      [['3', 41, '4100']],
    );
  });

  it('the host checkpoints a delivered batch in blob storage, and not a batch it is still retrying when it stops', async () => {
    // The host and the fixture app read these from process.env only: set for this test, then restored.
    const envBefore = { ...process.env };
    const restoreEnv = setEnvUntilRestored({
      MESH_DATA_DIR: dataDir,
      AzureWebJobsStorage: azurite.connectionString,
      EventHubConnection: CONNECTION,
      EVENT_HUB_NAME: 'orders',
      EVENT_HUB_CONSUMER_GROUP: 'hot',
      FIXTURE_RETRY: JSON.stringify({ strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: 0 }),
    });
    Object.assign(fixture(), { batches: [], attempts: 0, failNext: 0 });
    const { factory, clients } = fakeClients();
    let host: RunningHost | undefined;
    try {
      host = await startHost({ apps: [{ name: 'eventhub-fixture', entry: FIXTURE_APP }], port: 0, store: 'azurite', log: () => {}, eventHubClients: factory });
      const client = clients[0]!;
      assert.ok(client.store, 'the host hands the consumer a checkpoint store');
      await client.deliver('0', [{ n: 1 }, { n: 2 }, { n: 3 }]);
      assert.deepEqual(fixture().batches, [[{ n: 1 }, { n: 2 }, { n: 3 }]]);
      fixture().failNext = Number.POSITIVE_INFINITY;
      const failing = client.deliver('1', [{ n: 4 }]);
      while (fixture().attempts < 2) await new Promise((r) => setImmediate(r));
      await host.stop(); // stops while partition 1 keeps failing
      host = undefined;
      await failing;
    } finally {
      await host?.stop();
      restoreEnv();
    }
    const store = await blobCheckpointStore({ connectionString: azurite.connectionString });
    const listed = await store.listCheckpoints(NAMESPACE, 'orders', 'hot');
    assert.deepEqual(
      listed.map((c) => [c.partitionId, c.sequenceNumber]),
      [['0', 2]],
    );
    // Names only: a failure must not print the environment's values.
    const changed = [...new Set([...Object.keys(envBefore), ...Object.keys(process.env)])].filter((name) => process.env[name] !== envBefore[name]);
    assert.deepEqual(changed, [], 'process.env is as the test found it (local.settings.json values included)');
  });
});
