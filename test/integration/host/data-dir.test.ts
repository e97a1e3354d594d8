// Data directories and the Azurite that goes with them. A second host on a data directory refuses,
// naming the first (it used to take over the first's Azurite pid file). A host never uses an
// Azurite that holds another data directory's actors (whose state would not match this
// directory's search index: fresh events answered "applied" never showed up), unless told to.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startHost, type RunningHost } from '../../../host/main';
import { claimStorage, connectionStringFor, portOpen, type AzuritePorts } from '../../../host/azurite';
import { ENTITY_TABLE } from '../../../host/entities/table-store';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { spawnHost, stopHost, waitIdle, type ChildHost } from '../../helpers/child-host';
import { FIXTURE_APP, json, post } from '../../helpers/host';
import { freePort } from '../../../host/harness/processes';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-datadirs-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const newDir = (name: string) => fs.realpathSync(fs.mkdtempSync(path.join(root, `${name}-`)));

/** The fixture app in this process, on `connection`, with `dataDir`. */
function host(connection: string, dataDir: string, extra: Record<string, string> = {}): Promise<RunningHost> {
  Object.assign(process.env, { AzureWebJobsStorage: connection, MESH_DATA_DIR: dataDir, EventHubConnection: '', MESH_AZURITE: 'auto', ...extra });
  return startHost({ apps: [{ name: 'fixture', entry: FIXTURE_APP }], port: 0, store: 'azurite', log: () => {} });
}

/** Fails the test (and stops it) when a host that should have refused started. */
const refused = (started: Promise<RunningHost>) =>
  started.then(async (h) => {
    await h.stop();
    throw new Error('the host started');
  });

describe('one host per data directory', () => {
  let azurite: TestAzurite;
  before(async () => {
    azurite = await startTestAzurite();
  });
  after(() => azurite.stop());

  it('a second host on the same data directory refuses, naming it and the first host; the first keeps its files', async () => {
    const dataDir = newDir('shared');
    const first = await spawnHost(azurite.connectionString, { MESH_DATA_DIR: dataDir });
    try {
      const lockBefore = fs.readFileSync(path.join(dataDir, 'host.lock'), 'utf8');
      const port = new URL(first.url).port;
      await assert.rejects(
        refused(host(azurite.connectionString, dataDir)),
        new RegExp(
          `^ConfigError: setting MESH_DATA_DIR: ${dataDir} is in use by another meshgraph host \\(pid ${first.child.pid}, port ${port}, started [^)]+\\): stop it, or give this one another MESH_DATA_DIR`,
        ),
      );
      assert.equal(fs.readFileSync(path.join(dataDir, 'host.lock'), 'utf8'), lockBefore);
      assert.equal((await post(`${first.url}/api/counter/still/add`, 1)).status, 202, 'the first host still serves');
    } finally {
      await stopHost(first);
    }
    assert.equal(fs.existsSync(path.join(dataDir, 'host.lock')), false, 'a clean stop removes the lock');
  });

  it('a host killed with SIGKILL leaves a stale lock that the next host takes over', async () => {
    const own = await startTestAzurite();
    const dataDir = newDir('killed');
    try {
      const first = await spawnHost(own.connectionString, { MESH_DATA_DIR: dataDir });
      await stopHost(first, 'SIGKILL');
      assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, 'host.lock'), 'utf8')).pid, first.child.pid);
      const second = await host(own.connectionString, dataDir);
      assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, 'host.lock'), 'utf8')).pid, process.pid);
      await second.stop();
    } finally {
      await own.stop();
    }
  });
});

describe('an Azurite belongs to one data directory', () => {
  let ports: AzuritePorts;
  let connection: string;
  let dirA: string;
  let hostA: ChildHost;
  let azuritePid: string;
  before(async () => {
    ports = { blob: await freePort(), queue: await freePort(), table: await freePort() };
    connection = connectionStringFor(ports);
    dirA = newDir('a');
    // Nothing listens on these ports: host A starts Azurite in its data directory.
    hostA = await spawnHost(connection, { MESH_DATA_DIR: dirA });
    azuritePid = fs.readFileSync(path.join(dirA, 'azurite', 'azurite.pid'), 'utf8').trim();
    assert.equal((await post(`${hostA.url}/api/counter/a1/add`, 5)).status, 202);
    await waitIdle(hostA.url);
  });
  after(async () => {
    if (hostA.child.exitCode === null && hostA.child.signalCode === null) await stopHost(hostA);
    try {
      process.kill(Number(azuritePid)); // left running only when a test failed before adopting it
    } catch {
      // already stopped
    }
  });

  it('a host with another data directory refuses it, naming both directories', async () => {
    const dirB = newDir('b');
    await assert.rejects(
      refused(host(connection, dirB)),
      (e: Error) =>
        e.message.startsWith(
          `the Azurite listening on 127.0.0.1:${ports.table} (pid ${azuritePid}) holds the data of ${dirA}, not of this host's data directory ${dirB} (MESH_DATA_DIR)`,
        ) &&
        e.message.includes(`Use MESH_DATA_DIR=${dirA} to work on that data`) &&
        e.message.includes('MESH_AZURITE=external'),
    );
    assert.equal(fs.existsSync(path.join(dirB, 'host.lock')), false, 'the refused host let its lock go');
  });

  it('MESH_AZURITE=external uses it as it is, and leaves it running', async () => {
    const b = await host(connection, newDir('b-external'), { MESH_AZURITE: 'external' });
    try {
      assert.equal((await json(await fetch(`${b.url}/api/counter/a1`))).value, 5, "the storage is A's, used as it is");
    } finally {
      await b.stop();
    }
    assert.equal(await portOpen(ports.table), true, "A's Azurite still runs");
  });

  it('after a kill -9 of host A, its Azurite is still refused to others and adopted by its own directory', async () => {
    await stopHost(hostA, 'SIGKILL');
    assert.equal(await portOpen(ports.table), true, 'Azurite outlives the host');
    await assert.rejects(refused(host(connection, newDir('c'))), new RegExp(`holds the data of ${dirA}, not of`));
    const again = await host(connection, dirA);
    try {
      assert.equal((await json(await fetch(`${again.url}/api/counter/a1`))).value, 5);
    } finally {
      await again.stop();
    }
    assert.equal(await portOpen(ports.table), false, 'the adopting host stopped it');
  });
});

describe('a storage with meshgraph actors but no data directory', () => {
  let azurite: TestAzurite;
  before(async () => {
    azurite = await startTestAzurite();
  });
  after(() => azurite.stop());

  it('is claimed by the first host when it holds no actors; another directory is then refused', async () => {
    const first = newDir('claim');
    const a = await host(azurite.connectionString, first);
    await a.stop();
    await assert.rejects(refused(host(azurite.connectionString, newDir('other'))), new RegExp(`holds the data of ${first}, not of`));
    assert.equal(await claimStorage(azurite.connectionString, '/elsewhere', false), first, 'a claim never takes a marked storage');
    const again = await host(azurite.connectionString, first);
    await again.stop();
  });

  it('is refused when it holds actors of an unknown directory', async () => {
    const other = await startTestAzurite();
    try {
      const table = TableClient.fromConnectionString(other.connectionString, ENTITY_TABLE, { allowInsecureConnection: true });
      await table.createTable();
      await table.upsertEntity({ partitionKey: 's0', rowKey: 'e:counter@x', state: '{}' });
      await assert.rejects(
        refused(host(other.connectionString, newDir('unknown'))),
        /holds meshgraph actors but no record of the data directory they belong to/,
      );
    } finally {
      await other.stop();
    }
  });
});

describe('hosts one after another in one process, each on its own data directory', () => {
  it("projects each host's nodes into its own directory's search index (the app reads its settings and finds its store afresh)", async () => {
    const { HOT_APP } = await import('../../helpers/host');
    const dirs = [newDir('one'), newDir('two')];
    for (const [n, dataDir] of dirs.entries()) {
      const azurite = await startTestAzurite();
      try {
        Object.assign(process.env, { AzureWebJobsStorage: azurite.connectionString, MESH_DATA_DIR: dataDir, EventHubConnection: '', MESH_AZURITE: 'auto' });
        const running = await startHost({ apps: [{ name: 'hot', entry: HOT_APP }], port: 0, store: 'memory', log: () => {} });
        try {
          const event = {
            specversion: '1.0',
            id: `e${n}`,
            source: 'crm',
            type: 'meshgraph.node.upsert',
            subject: `Customer/c${n}`,
            sequence: 1,
            data: { name: `Host ${n}` },
          };
          const res = await post(`${running.url}/api/events?wait=true`, [event], { 'content-type': 'application/cloudevents-batch+json' });
          const answer = await json(res);
          assert.equal(answer.applied, true, `host ${n}: applied and searchable: ${JSON.stringify(answer)}`);
          assert.equal(running.runtime.operationsByName['projections.add'], undefined, `host ${n}: no document was refused`);
        } finally {
          await running.stop();
        }
      } finally {
        await azurite.stop();
      }
    }
    // Loaded after the hosts, as the app loads it: on first use.
    const { openSqliteStore } = await import('../../../adapters/search/sqlite');
    for (const [n, dataDir] of dirs.entries()) {
      const index = openSqliteStore(dataDir);
      try {
        assert.deepEqual(
          (await index.search('Customer', { first: 5 })).hits.map((h) => h.doc.id),
          [`Customer:c${n}`],
          `${dataDir} holds its own host's node only`,
        );
      } finally {
        await index.close();
      }
    }
  });
});
