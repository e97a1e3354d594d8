// A trigger batch whose dead letters or durable signals fail for a while loses nothing: the
// trigger's retry policy delivers it again until it succeeds. The same batch with the policy
// removed is lost, as in Azure (the local host checkpoints a failed batch the same way).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHost, type RunningHost } from '../../../host/main';
import { connectionStringFor, ensureAzurite, type AzuritePorts, type RunningAzurite } from '../../../host/azurite';
import { TableDeadLetterStore } from '../../../adapters/deadletter/table';
import { freePort } from '../../../host/harness/processes';
import { GRAPH_CONTRACTS, HOT_APP, cloudEvent as ce } from '../../helpers/mesh-host';

const HUB_SOURCE = path.join(__dirname, '../../fixtures/hub-source/index.ts');
const WITHOUT_RETRY = path.join(__dirname, '../../fixtures/trigger-without-retry/index.ts');

interface Bed {
  host: RunningHost;
  azurite: () => RunningAzurite;
  restartAzurite(): Promise<void>;
  connection: string;
  logs: string[];
  publish(events: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

async function openBed(apps: Array<{ name: string; entry: string }>): Promise<Bed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-retry-'));
  const ports: AzuritePorts = { blob: await freePort(), queue: await freePort(), table: await freePort() };
  const connection = connectionStringFor(ports);
  let azurite = await ensureAzurite(dir, ports, () => {});
  Object.assign(process.env, { AzureWebJobsStorage: connection, MESH_CONTRACTS: GRAPH_CONTRACTS, MESH_DATA_DIR: dir, EventHubConnection: '' });
  const logs: string[] = [];
  const host = await startHost({ apps, port: 0, store: 'memory', log: (e) => logs.push(`${e.level} ${e.fn}: ${e.message}`) });
  return {
    host,
    azurite: () => azurite,
    restartAzurite: async () => {
      azurite = await ensureAzurite(dir, ports, () => {});
    },
    connection,
    logs,
    publish: async (events) => {
      const res = await fetch(`${host.url}/api/hub/publish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
      assert.equal(res.status, 202, await res.text());
    },
    stop: async () => {
      await host.stop();
      await azurite.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes the durable API refuse signals (as a backend that is down) until the returned function is called. */
function refuseSignals(host: RunningHost): () => void {
  const runtime = host.runtime as unknown as { signal: (...args: unknown[]) => Promise<void> };
  const original = runtime.signal;
  runtime.signal = async () => {
    throw new Error('durable backend unavailable (test)');
  };
  return () => {
    runtime.signal = original;
  };
}

const nodeHolds = async (host: RunningHost, key: string, text: string) => Boolean((await host.runtime.read('node', key))?.state?.includes(text));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the ingest trigger under its retry policy', () => {
  let bed: Bed;
  before(async () => {
    bed = await openBed([
      { name: 'hot', entry: HOT_APP },
      { name: 'source', entry: HUB_SOURCE },
    ]);
  });
  after(() => bed.stop());

  it('loses nothing while the durable backend refuses its signals for a while', async () => {
    const restore = refuseSignals(bed.host);
    await bed.publish([ce('hr', 'upsert', 'Person/retry1', 1, { name: 'Retried' })]);
    await sleep(1500);
    assert.ok(
      bed.logs.some((l) => /retrying under the function's exponentialBackoff policy/.test(l)),
      'the failed batch is being retried',
    );
    restore();
    await bed.host.runtime.idle();
    for (let i = 0; i < 100 && !(await nodeHolds(bed.host, 'Person:retry1', 'Retried')); i++) await sleep(100);
    assert.ok(await nodeHolds(bed.host, 'Person:retry1', 'Retried'), 'the event is applied once the backend is back');
  });

  it('loses nothing while the dead-letter store is down for a while', async () => {
    await bed.azurite().stop();
    await bed.publish([
      ce('hr', 'upsert', 'Person/retry2', 1, { name: 'Kept' }),
      ce('nobody', 'upsert', 'Person/retry2', 2, { name: 'Bad' }, 'bad-while-down'),
    ]);
    await sleep(1500);
    await bed.restartAzurite();
    let letters: Array<{ eventId?: string }> = [];
    for (let i = 0; i < 150 && !letters.some((l) => l.eventId === 'bad-while-down'); i++) {
      await sleep(100);
      letters = (await new TableDeadLetterStore(bed.connection).list({ top: 100 }).catch(() => ({ items: [] }))).items;
    }
    assert.ok(
      letters.some((l) => l.eventId === 'bad-while-down'),
      'the invalid event is dead-lettered once the store is back',
    );
    await bed.host.runtime.idle();
    assert.ok(await nodeHolds(bed.host, 'Person:retry2', 'Kept'), 'and the valid one of the same batch applied');
  });
});

describe('the same trigger without its retry policy (the host is as unforgiving as Azure)', () => {
  let bed: Bed;
  before(async () => {
    bed = await openBed([{ name: 'without-retry', entry: WITHOUT_RETRY }]);
  });
  after(() => bed.stop());

  it('loses the batch whose signals failed: it is checkpointed all the same', async () => {
    const restore = refuseSignals(bed.host);
    await bed.publish([ce('hr', 'upsert', 'Person/lost1', 1, { name: 'Lost' })]);
    for (let i = 0; i < 100 && !bed.logs.some((l) => /declares no retry policy/.test(l)); i++) await sleep(50);
    restore();
    await bed.host.runtime.idle();
    await sleep(300);
    assert.equal(await bed.host.runtime.read('node', 'Person:lost1'), undefined, 'the event is gone');
    const status = (await (await fetch(`${bed.host.url}/admin/host/status`)).json()) as { eventStream: { lostBatches: number } };
    assert.equal(status.eventStream.lostBatches, 1);
  });
});
