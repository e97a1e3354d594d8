// The local host's Event Hubs consumer with a stand-in client at the SDK boundary: batches reach
// the trigger as the local stream delivers them; a failing invocation is handled as in Azure: retried
// under the function's retry policy, and checkpointed all the same without one or once its retries
// are spent; a host that stops leaves a batch it is retrying uncheckpointed; stop closes it all.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { earliestEventPosition } from '@azure/event-hubs';
import { loadApp, type FunctionApp } from '../../../host/worker/app';
import { startEventHubConsumers, type EventHubConsumers } from '../../../host/eventhub-consumer';
import { startHost } from '../../../host/main';
import { CONNECTION, fakeClients, fixture } from '../../helpers/eventhub-fake-client';
import { setEnvUntilRestored } from '../../helpers/env';

const FIXTURE_APP = path.join(__dirname, '../../fixtures/eventhub-app/index.ts');
const HOT_APP = path.join(__dirname, '../../../functions/index.ts');
const noLog = () => {};

/** The fixture app loaded with a retry policy (or none), unloaded after the test. */
function withPolicy(retry: object | undefined): FunctionApp {
  const restore = setEnvUntilRestored({ FIXTURE_RETRY: retry ? JSON.stringify(retry) : undefined });
  try {
    return loadApp('eventhub-fixture', FIXTURE_APP);
  } finally {
    restore();
  }
}

const ENDLESS = { strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: 0 };

describe('Event Hubs consumer (stand-in client)', () => {
  let app: FunctionApp;
  let restoreEnv: () => void;
  before(() => {
    restoreEnv = setEnvUntilRestored({ EventHubConnection: CONNECTION, EVENT_HUB_NAME: 'orders', EVENT_HUB_CONSUMER_GROUP: 'hot' });
  });
  after(() => restoreEnv());
  beforeEach(() => {
    Object.assign(fixture(), { batches: [], attempts: 0, failNext: 0 });
    app = withPolicy(ENDLESS);
  });
  afterEach(() => app.unload());

  /** Consumers for the fixture trigger, under `retry` if given (the test's app is reloaded with it). */
  async function start(retry?: object | 'none'): Promise<{ consumers: EventHubConsumers; client: ReturnType<typeof fakeClients>['clients'][number] }> {
    if (retry !== undefined) {
      app.unload();
      app = withPolicy(retry === 'none' ? undefined : retry);
    }
    const { factory, clients } = fakeClients();
    const consumers = await startEventHubConsumers({
      triggers: app.functions,
      maxEventBatchSize: 256,
      prefetchCount: 512,
      durableClient: () => ({}),
      log: noLog,
      clientFactory: factory,
    });
    assert.equal(clients.length, 1);
    return { consumers, client: clients[0]! };
  }

  it('subscribes to the hub and consumer group the binding names, batches of maxEventBatchSize from the earliest event', async () => {
    const { consumers, client } = await start();
    assert.deepEqual(
      { hub: client.target.eventHubName, group: client.target.consumerGroup, connection: client.target.connection },
      { hub: 'orders', group: 'hot', connection: { connectionString: CONNECTION } },
    );
    assert.equal(client.options?.maxBatchSize, 256);
    assert.equal(client.options?.prefetchCount, 512);
    assert.deepEqual(client.options?.startPosition, earliestEventPosition);
    await consumers.close();
  });

  it('hands a batch to the trigger as one invocation of event bodies (bytes as text), then checkpoints its last event', async () => {
    const { consumers, client } = await start();
    await client.deliver('0', [{ id: 'a' }, Buffer.from('{"id":"b"}'), 'plain text']);
    assert.deepEqual(fixture().batches, [[{ id: 'a' }, '{"id":"b"}', 'plain text']]);
    assert.deepEqual(client.checkpoints.get('0'), [2]);
    await client.deliver('1', [{ id: 'c' }]);
    assert.deepEqual(client.checkpoints.get('1'), [3]);
    assert.deepEqual(consumers.counters, { batches: 2, events: 4, failedInvocations: 0, lostBatches: 0, checkpoints: 2, failedCheckpoints: 0 });
    await consumers.close();
  });

  it('does not invoke the trigger for an empty batch (the SDK sends one when maxWaitTime passes)', async () => {
    const { consumers, client } = await start();
    await client.deliver('0', []);
    assert.equal(fixture().attempts, 0);
    assert.equal(client.checkpoints.size, 0);
    await consumers.close();
  });

  it('under a retry policy, retries a failing invocation with the same batch and checkpoints only once it succeeded', async () => {
    const { consumers, client } = await start();
    fixture().failNext = 2;
    const order: string[] = [];
    const original = client.context.bind(client);
    client.context = (id) => ({
      ...original(id),
      updateCheckpoint: async (e) => void order.push(`checkpoint after ${fixture().attempts} attempts, seq ${e.sequenceNumber}`),
    });
    await client.deliver('0', [{ id: 'x' }, { id: 'y' }]);
    assert.equal(fixture().attempts, 3);
    assert.deepEqual(fixture().batches, [[{ id: 'x' }, { id: 'y' }]]);
    assert.deepEqual(order, ['checkpoint after 3 attempts, seq 1']);
    assert.equal(consumers.counters.failedInvocations, 2);
    await consumers.close();
  });

  it('without a retry policy, checkpoints a failed batch all the same: its events are lost, as in Azure', async () => {
    const { consumers, client } = await start('none');
    fixture().failNext = 1;
    await client.deliver('0', [{ id: 'lost' }]);
    assert.equal(fixture().attempts, 1);
    assert.deepEqual(fixture().batches, []);
    assert.deepEqual(client.checkpoints.get('0'), [0]);
    assert.equal(consumers.counters.lostBatches, 1);
    await consumers.close();
  });

  it("once a policy's retries are spent, checkpoints the batch and moves on", async () => {
    const { consumers, client } = await start({ strategy: 'exponentialBackoff', maxRetryCount: 2, minimumInterval: 0, maximumInterval: 0 });
    fixture().failNext = 5;
    await client.deliver('0', [{ id: 'poison' }]);
    assert.equal(fixture().attempts, 3, 'the first attempt and two retries');
    assert.deepEqual(client.checkpoints.get('0'), [0]);
    assert.equal(consumers.counters.lostBatches, 1);
    await consumers.close();
  });

  it('leaves a batch that keeps failing uncheckpointed when the host stops, and closes the subscription and client', async () => {
    const { consumers, client } = await start({ strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: { minutes: 1 } });
    fixture().failNext = Number.POSITIVE_INFINITY;
    const delivering = client.deliver('0', [{ id: 'doomed' }]);
    while (fixture().attempts === 0) await new Promise((r) => setImmediate(r));
    await consumers.close(); // wakes the pause between retries instead of waiting a minute
    await delivering;
    assert.equal(fixture().attempts, 1);
    assert.equal(client.checkpoints.size, 0);
    assert.equal(client.subscriptionClosed, true);
    assert.equal(client.closed, true);
  });
});

describe('local host with EventHubConnection set (hot app, memory store, stand-in client)', () => {
  it('feeds the ingest trigger from the hub: events become node entities; stop closes the consumer', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-eh-'));
    const restoreEnv = setEnvUntilRestored({
      MESH_DATA_DIR: dataDir,
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      EventHubConnection: CONNECTION,
      EVENT_HUB_NAME: 'meshgraph-events',
      EVENT_HUB_CONSUMER_GROUP: '$Default',
    });
    const { factory, clients } = fakeClients();
    const host = await startHost({ apps: [{ name: 'hot', entry: HOT_APP }], port: 0, store: 'memory', log: noLog, eventHubClients: factory });
    try {
      assert.equal(clients.length, 1);
      const client = clients[0]!;
      assert.equal(client.store, undefined, 'the memory store keeps checkpoints in memory');
      await client.deliver('0', [
        {
          specversion: '1.0',
          id: 'e1',
          source: 'crm',
          type: 'meshgraph.node.upsert',
          subject: 'Customer/c1',
          sequence: 1,
          data: { name: 'Ada Lovelace', segment: 'vip' },
        },
        { specversion: '1.0', id: 'e2', source: 'crm', type: 'meshgraph.node.upsert', subject: 'Customer/c2', sequence: 1, data: { name: 'Alan Turing' } },
      ]);
      await host.runtime.idle();
      const c1 = await host.runtime.read('node', 'Customer:c1');
      assert.ok(c1?.state?.includes('Ada Lovelace'), `node Customer:c1 holds the event's data: ${c1?.state}`);
      assert.ok(await host.runtime.read('node', 'Customer:c2'));
      assert.deepEqual(client.checkpoints.get('0'), [1]);
    } finally {
      await host.stop();
      restoreEnv();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    assert.equal(clients[0]!.closed, true);
    assert.equal(clients[0]!.subscriptionClosed, true);
  });
});
