// The local host on its default store, SQLite in the data directory: state survives a restart,
// and a kill -9 of the host, which is a kill of its store too, loses nothing acknowledged, with
// signals still in flight when it dies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { startFixtureHost, json, post, testDataDir } from '../../helpers/host';
import { spawnHost, stopHost, waitIdle } from '../../helpers/child-host';
import { ENTITY_STORE_FILE } from '../../../host/entities/sqlite-store';
import { loadConfig } from '../../../core/config';

describe('local host (SQLite store, the default)', () => {
  // One data directory for the file's hosts (an Azurite serves one data directory).
  let azurite: TestAzurite;
  before(async () => {
    azurite = await startTestAzurite();
  });
  after(() => azurite.stop());

  it('is the default store', () => {
    assert.equal(loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }).host.store, 'sqlite');
  });

  it('keeps entity state across a host restart, in MESH_DATA_DIR/entities.sqlite', async () => {
    const env = { AzureWebJobsStorage: azurite.connectionString };
    const first = await startFixtureHost('sqlite', env);
    assert.equal(first.store.kind, 'sqlite');
    await post(`${first.url}/api/counter/persist/add`, 41);
    await post(`${first.url}/api/counter/persist/forward`, { to: 'persist2', amount: 2 });
    await first.runtime.idle();
    await first.stop();
    assert.ok(fs.existsSync(path.join(testDataDir(), ENTITY_STORE_FILE)));

    const second = await startFixtureHost('sqlite', env);
    try {
      assert.equal((await json(await fetch(`${second.url}/api/counter/persist`))).value, 41);
      assert.equal((await json(await fetch(`${second.url}/api/counter/persist2`))).value, 2);
      const listed = await json(await fetch(`${second.url}/runtime/webhooks/durabletask/entities/counter?top=1`));
      assert.equal(listed.length, 1);
    } finally {
      await second.stop();
    }
  });

  it('loses no acknowledged signal when the host and its store are killed with SIGKILL, signals in flight', async () => {
    const env = { MESH_STORE: 'sqlite' };
    const { child, url } = await spawnHost(azurite.connectionString, env);
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    const acknowledged = new Map<string, number>();
    const sent = new Map<string, number>();
    const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    // Direct adds and cross-entity forwards; the kill comes once 300 are acknowledged, while the
    // senders keep sending: some signals are in flight, some stored but not yet answered.
    let acks = 0;
    let killed = false;
    let reached = () => {};
    const reachedAcks = new Promise<void>((resolve) => (reached = resolve));
    const senders = keys.map(async (key, i) => {
      for (let n = 0; !killed; n++) {
        const forward = n % 3 === 0;
        const target = forward ? keys[(i + 1) % keys.length]! : key;
        count(sent, target);
        try {
          const res = forward ? await post(`${url}/api/counter/${key}/forward`, { to: target, amount: 1 }) : await post(`${url}/api/counter/${key}/add`, 1);
          if (res.status !== 202) throw new Error(`signal refused: ${res.status}`);
        } catch (err) {
          if (killed) return;
          throw err;
        }
        count(acknowledged, target);
        if (++acks === 300) reached();
      }
    });
    await reachedAcks;
    // A last burst at one entity, while the senders go on: its operations run one after another
    // (2 ms each), so the kill right after their acknowledgements always finds work queued (on a
    // quiet machine the senders' own work may all have run by then).
    const burst = await Promise.all(Array.from({ length: 300 }, () => post(`${url}/api/counter/burst/add`, 1)));
    assert.ok(burst.every((r) => r.status === 202));
    killed = true;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await Promise.all(senders);

    const restarted = await spawnHost(azurite.connectionString, env);
    try {
      assert.ok(restarted.recovered > 0, 'the kill left queued work for the restart to resume');
      await waitIdle(restarted.url);
      for (const key of keys) {
        const value = (await json(await fetch(`${restarted.url}/api/counter/${key}`)))?.value ?? 0;
        // Every acknowledged signal ran; a signal the kill cut off may have run or not.
        assert.ok(
          value >= (acknowledged.get(key) ?? 0) && value <= (sent.get(key) ?? 0),
          `counter ${key}: ${value}, acknowledged ${acknowledged.get(key)}, sent ${sent.get(key)}`,
        );
      }
      assert.equal((await json(await fetch(`${restarted.url}/api/counter/burst`)))?.value, 300, 'every acknowledged operation of the burst ran once');
    } finally {
      await stopHost(restarted);
    }
  });

  it('stops cleanly on SIGTERM with work in flight: exit 0, and the rest runs after a restart', async () => {
    const env = { MESH_STORE: 'sqlite' };
    const host = await spawnHost(azurite.connectionString, env);
    const acks = await Promise.all(Array.from({ length: 200 }, () => post(`${host.url}/api/counter/graceful/add`, 1)));
    assert.ok(acks.every((r) => r.status === 202));
    assert.equal(await stopHost(host), 0);
    const restarted = await spawnHost(azurite.connectionString, env);
    try {
      await waitIdle(restarted.url);
      assert.equal((await json(await fetch(`${restarted.url}/api/counter/graceful`))).value, 200);
    } finally {
      await stopHost(restarted);
    }
  });
});
