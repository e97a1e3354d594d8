// The local host on a real Azurite: state survives a restart, and a kill -9 of the host process
// (Azurite keeps running, as a separate service would) loses nothing that was acknowledged. Its
// table store knows after a scan at open which entities have a row.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestAzurite, type TestAzurite } from '../../helpers/azurite';
import { startFixtureHost, json, post } from '../../helpers/host';
import { spawnHost, waitIdle } from '../../helpers/child-host';
import { TableEntityStore } from '../../../host/entities/table-store';
import { instanceId } from '../../../host/entities/store';

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
    for (const [i, id] of ids.entries()) await (await first.commit({ entity: { id, exists: true, state: JSON.stringify({ n: i }), lastOperationTime: 1 }, consumed: [], emitted: [] })).delivered;
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
    await (await second.commit({ entity: { id: later, exists: true, state: '{"n":9}', lastOperationTime: 2 }, consumed: [], emitted: [] })).delivered;
    assert.equal((await second.read(later))?.state, '{"n":9}');
    await second.close();
  });
});
