// The local host on a real Azurite: state survives a restart, and a kill -9 of the host process
// (Azurite keeps running, as a separate service would) loses nothing that was acknowledged. Its
// table store knows after a scan at open which entities have a row.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { startFixtureHost, json, post } from '../../helpers/host';
import { spawnHost, waitIdle } from '../../helpers/child-host';
import { ContainerClient } from '@azure/storage-blob';
import { largeContainerOf, TableEntityStore } from '../../../host/entities/table-store';
import { instanceId, type QueuedOperation } from '../../../host/entities/store';

/** Polls `probe` until it returns `want` (blob deletes run after their row's commit, unawaited). */
async function eventually<T>(probe: () => Promise<T>, want: T, what: string): Promise<void> {
  let last: T | undefined;
  for (let i = 0; i < 50; i++) {
    last = await probe();
    if (JSON.stringify(last) === JSON.stringify(want)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(last, want, what);
}

describe('local host (Azurite store)', () => {
  let azurite: TestAzurite;
  before(async () => {
    azurite = await startTestAzurite();
  });
  after(() => azurite.stop());

  it('keeps entity state across a host restart', async () => {
    const env = { AzureWebJobsStorage: azurite.connectionString };
    const first = await startFixtureHost('azurite', env);
    await post(`${first.url}/api/counter/persist/add`, 41);
    await post(`${first.url}/api/counter/persist/forward`, { to: 'persist2', amount: 2 });
    await first.runtime.idle();
    await first.stop();

    const second = await startFixtureHost('azurite', env);
    try {
      assert.equal((await json(await fetch(`${second.url}/api/counter/persist`))).value, 41);
      assert.equal((await json(await fetch(`${second.url}/api/counter/persist2`))).value, 2);
      await post(`${second.url}/api/counter/persist/add`, 1);
      await second.runtime.idle();
      assert.equal((await json(await fetch(`${second.url}/api/counter/persist`))).value, 42);
    } finally {
      await second.stop();
    }
  });

  it('loses no acknowledged operation when the host is killed with SIGKILL mid-stream', async () => {
    const { child, url } = await spawnHost(azurite.connectionString);
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    let acknowledged = 0;
    const expected = new Map<string, number>();
    // Direct adds and cross-entity forwards, acknowledged one by one, then a kill while work is queued.
    const senders = keys.map(async (key, i) => {
      for (let n = 0; n < 15; n++) {
        const forward = n % 3 === 0;
        const target = forward ? keys[(i + 1) % keys.length]! : key;
        const res = forward ? await post(`${url}/api/counter/${key}/forward`, { to: target, amount: 1 }) : await post(`${url}/api/counter/${key}/add`, 1);
        if (res.status !== 202) throw new Error(`signal refused: ${res.status}`);
        acknowledged++;
        expected.set(target, (expected.get(target) ?? 0) + 1);
      }
    });
    await Promise.all(senders);
    // A last burst at one entity: its operations run one after another (2 ms each), so the kill
    // right after their acknowledgements always finds work queued.
    const burst = await Promise.all(Array.from({ length: 300 }, () => post(`${url}/api/counter/burst/add`, 1)));
    assert.ok(burst.every((r) => r.status === 202));
    expected.set('burst', 300);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.equal(acknowledged, keys.length * 15);

    const restarted = await spawnHost(azurite.connectionString);
    try {
      assert.ok(restarted.recovered > 0, 'the kill left queued work for the restart to resume');
      await waitIdle(restarted.url);
      for (const key of [...keys, 'burst']) {
        const state = await json(await fetch(`${restarted.url}/api/counter/${key}`));
        assert.equal(state?.value ?? 0, expected.get(key) ?? 0, `counter ${key}`);
      }
    } finally {
      restarted.child.kill('SIGTERM');
      await new Promise((r) => restarted.child.once('exit', r));
    }
  });

  it('stops cleanly on SIGTERM with work in flight: exit 0, and the rest runs after a restart', async () => {
    const { child, url } = await spawnHost(azurite.connectionString);
    const acks = await Promise.all(Array.from({ length: 200 }, () => post(`${url}/api/counter/graceful/add`, 1)));
    assert.ok(acks.every((r) => r.status === 202));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0);
    const restarted = await spawnHost(azurite.connectionString);
    try {
      await waitIdle(restarted.url);
      assert.equal((await json(await fetch(`${restarted.url}/api/counter/graceful`))).value, 200);
    } finally {
      restarted.child.kill('SIGTERM');
      await new Promise((r) => restarted.child.once('exit', r));
    }
  });

  it('finds at open every entity with a row (odd ids too), and answers for the others without a request', async () => {
    const table = `rowindex${Date.now()}`;
    const ids = ['Person:p1', 'Person:a/b?c#d%20e', 'Team:t 1'].map((key) => instanceId('node', key));
    const first = new TableEntityStore(azurite.connectionString, table);
    await first.open();
    for (const [i, id] of ids.entries())
      await first.commit({ entity: { id, exists: true, state: JSON.stringify({ n: i }), lastOperationTime: 1 }, consumed: [], emitted: [] });
    await first.close();

    const second = new TableEntityStore(azurite.connectionString, table);
    await second.open();
    assert.equal(await second.rowIndexReady(), true);
    const requests: string[] = [];
    const client = (second as unknown as { client: { getEntity: (pk: string, rk: string) => Promise<unknown> } }).client;
    const getEntity = client.getEntity.bind(client);
    client.getEntity = (pk, rk) => {
      requests.push(rk);
      return getEntity(pk, rk);
    };
    for (const [i, id] of ids.entries()) assert.deepEqual(JSON.parse((await second.read(id))?.state ?? 'null'), { n: i }, id);
    assert.equal(requests.length, ids.length);
    assert.equal(await second.read(instanceId('node', 'Person:never')), undefined);
    assert.equal(requests.length, ids.length, 'a never-seen entity is not read from the table');
    // Committed here after the scan: read from the table again.
    const later = instanceId('node', 'Person:later');
    await second.commit({ entity: { id: later, exists: true, state: '{"n":9}', lastOperationTime: 2 }, consumed: [], emitted: [] });
    assert.equal((await second.read(later))?.state, '{"n":9}');
    await second.close();
  });

  it('keeps states, log rows and signals too long for a row in blobs, and deletes each blob with its row', async () => {
    const table = `large${Date.now()}`;
    const blobs = new ContainerClient(azurite.connectionString, largeContainerOf(table));
    const names = async () => {
      const out: string[] = [];
      for await (const b of blobs.listBlobsFlat()) out.push(b.name.slice(0, 2));
      return out.sort();
    };
    const id = instanceId('counter', 'big');
    const op = (seq: string, chars: number): QueuedOperation => ({
      seq,
      target: id,
      op: 'append',
      input: JSON.stringify('x'.repeat(chars)),
      from: 'client',
      enqueuedAt: 1,
    });
    const first = new TableEntityStore(azurite.connectionString, table);
    await first.open();
    // Three 200,000-character signals in one log row (600,000): more than a row holds.
    const queued = [op('00000000000000000001', 200_000), op('00000000000000000002', 200_000), op('00000000000000000003', 200_000)];
    await first.enqueue(queued);
    assert.deepEqual(await names(), ['q/']);
    // A 1.2 MB state, and a 500,000-character signal out (its log row).
    const state = JSON.stringify({ log: ['y'.repeat(600_000), 'z'.repeat(600_000)] });
    const emitted = [{ ...op('00000000000000000004', 500_000), target: instanceId('counter', 'other'), from: id }];
    await first.commit({ entity: { id, exists: true, state, lastOperationTime: 5 }, consumed: queued, emitted });
    // Left: the state's blob and that of the log row of the emitted signal; the consumed log row's is gone.
    await eventually(names, ['e/', 'q/'], 'blobs after the commit');
    await first.close();

    const second = new TableEntityStore(azurite.connectionString, table);
    const { pending } = await second.open();
    assert.deepEqual(
      pending.map((p) => [p.seq, p.input.length]),
      [['00000000000000000004', 500_002]],
    );
    assert.equal((await second.read(id))?.state, state);
    // A small state replaces the large one; consuming the pending signal deletes its log row.
    await second.commit({ entity: { id: emitted[0]!.target, exists: true, state: '{"n":1}', lastOperationTime: 6 }, consumed: pending, emitted: [] });
    await second.commit({ entity: { id, exists: true, state: '{"log":[]}', lastOperationTime: 7 }, consumed: [], emitted: [] });
    await eventually(names, [], 'no blob once no row names one');
    assert.equal((await second.read(id))?.state, '{"log":[]}');
    await second.close();
  });

  it('sweeps at open the blobs no row names (an upload a crash cut off before its commit)', async () => {
    const table = `sweep${Date.now()}`;
    const blobs = new ContainerClient(azurite.connectionString, largeContainerOf(table));
    const first = new TableEntityStore(azurite.connectionString, table);
    await first.open();
    const id = instanceId('counter', 'kept');
    await first.commit({ entity: { id, exists: true, state: JSON.stringify({ big: 'k'.repeat(700_000) }), lastOperationTime: 1 }, consumed: [], emitted: [] });
    await first.close();
    await blobs.getBlockBlobClient('e/orphan.json.gz').uploadData(Buffer.from('never committed'));
    await new Promise((r) => setTimeout(r, 1100)); // blob times have 1 s resolution: the orphan is older than the next open

    const second = new TableEntityStore(azurite.connectionString, table);
    await second.open();
    assert.equal(await second.rowIndexReady(), true);
    const left = async () => {
      const out: string[] = [];
      for await (const b of blobs.listBlobsFlat()) out.push(b.name === 'e/orphan.json.gz' ? 'orphan' : 'named');
      return out;
    };
    await eventually(left, ['named'], 'the orphan is swept, the named blob kept');
    assert.equal(JSON.parse((await second.read(id))?.state ?? '{}').big.length, 700_000);
    await second.close();
  });

  it('runs an entity whose state outgrows a table row, through the host, across a restart', async () => {
    const env = { AzureWebJobsStorage: azurite.connectionString };
    const first = await startFixtureHost('azurite', env);
    for (let i = 0; i < 4; i++) assert.equal((await post(`${first.url}/api/counter/grows/append`, JSON.stringify(`${i}`.repeat(150_000)))).status, 202);
    await first.runtime.idle();
    assert.equal(first.runtime.depth().stuckEntities, 0);
    await first.stop();
    const second = await startFixtureHost('azurite', env);
    try {
      const state = await json(await fetch(`${second.url}/api/counter/grows`));
      assert.deepEqual(state.log.map((l: string) => [l[0], l.length]).sort(), [
        ['0', 150_000],
        ['1', 150_000],
        ['2', 150_000],
        ['3', 150_000],
      ]);
    } finally {
      await second.stop();
    }
  });
});
