// Safelist mode end to end: `meshgraph queries register` stores the operations of a .graphql
// file in the app's storage; a hot app with MESH_GRAPHQL_PERSISTED_QUERIES=safelist runs those
// (by text or by hash) and refuses any other.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../cli/cli';
import { startHost, type RunningHost } from '../../../host/main';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { HOT_APP } from '../../helpers/mesh-host';

const OPS = `
query CustomerName($id: ID!) { customer(id: $id) { ...Names } }
query Count { searchCustomers { totalCount } }
fragment Names on Customer { id name }
`;

describe('GraphQL safelist', () => {
  let azurite: TestAzurite;
  let host: RunningHost;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-safelist-'));
  let manifest: { operations: Array<{ name: string; sha256Hash: string; query: string }> };
  before(async () => {
    azurite = await startTestAzurite();
    Object.assign(process.env, {
      AzureWebJobsStorage: azurite.connectionString,
      MESH_CONTRACTS: 'contracts/telecom',
      MESH_DATA_DIR: dir,
      EventHubConnection: '',
      MESH_GRAPHQL_PERSISTED_QUERIES: 'safelist',
    });
    fs.writeFileSync(path.join(dir, 'ops.graphql'), OPS);
    assert.equal(await runCli(['queries', 'register', path.join(dir, 'ops.graphql'), '--out', path.join(dir, 'manifest.json')]), 0);
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    host = await startHost({ apps: [{ name: 'hot', entry: HOT_APP }], port: 0, store: 'memory', log: () => {} });
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${host.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('registers each named operation with the fragments it uses', () => {
    assert.deepEqual(
      manifest.operations.map((o) => o.name),
      ['CustomerName', 'Count'],
    );
    assert.match(manifest.operations[0]!.query, /fragment Names on Customer/);
    assert.doesNotMatch(manifest.operations[1]!.query, /fragment/);
  });

  it('runs registered operations by exact text and by hash', async () => {
    const byText = await post({ query: manifest.operations[1]!.query });
    assert.deepEqual(byText, { status: 200, body: { data: { searchCustomers: { totalCount: 0 } } } });
    const byHash = await post({ variables: { id: 'c1' }, extensions: { persistedQuery: { version: 1, sha256Hash: manifest.operations[0]!.sha256Hash } } });
    assert.deepEqual(byHash, { status: 200, body: { data: { customer: null } } });
  });

  it('refuses anything else, naming the safelist', async () => {
    const other = await post({ query: '{ searchCustomers { totalCount } }' });
    assert.equal(other.status, 400);
    assert.equal(other.body.errors[0].extensions.code, 'OPERATION_NOT_IN_SAFELIST');
    const unknownHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    assert.equal(unknownHash.body.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a file with an invalid operation, naming file, line and column', async () => {
    const bad = path.join(dir, 'bad.graphql');
    fs.writeFileSync(bad, 'query Bad {\n  nope\n}\n');
    const errors: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((t: string) => (errors.push(String(t)), true)) as typeof process.stderr.write;
    try {
      assert.equal(await runCli(['queries', 'register', bad]), 1);
    } finally {
      process.stderr.write = write;
    }
    assert.match(errors.join(''), /bad\.graphql:2:3: Cannot query field "nope" on type "Query"/);
  });
});
