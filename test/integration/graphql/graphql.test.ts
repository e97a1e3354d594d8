// GraphQL end to end through the local host: events in, actors merge and react, projections
// written, and /api/graphql answers from them — with the caller's roles from
// x-ms-client-principal, and registered operations for the safelist.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { principalHeader } from '../../../core/auth/principal';
import { startHost, type RunningHost } from '../../../host/main';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { HOT_APP, cloudEvent as ce, ingest } from '../../helpers/mesh-host';

const EVENTS = [
  ce('crm', 'upsert', 'Customer/c1', 1, { name: 'Ada Lovelace', email: 'ada@example.com', segment: 'vip', city: 'London' }),
  ce('crm', 'upsert', 'Customer/c2', 1, { name: 'Alan Turing', email: 'alan@example.com', segment: 'business', city: 'Manchester' }),
  ce('billing', 'upsert', 'Account/a1', 1, { status: 'active', balance: 120.5, currency: 'GBP' }),
  ce('billing', 'upsert', 'Account/a2', 1, { status: 'suspended', balance: -3, currency: 'GBP' }),
  ce('billing', 'link', 'Customer/c1', 2, { rel: 'accounts', to: 'Account/a1' }),
  ce('billing', 'link', 'Customer/c1', 3, { rel: 'accounts', to: 'Account/a2' }),
];

async function graphql(url: string, query: string, variables?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    correlationId: res.headers.get('x-correlation-id'),
    body: (await res.json()) as any,
  };
}

describe('GraphQL through the local host', () => {
  let azurite: TestAzurite;
  let host: RunningHost;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-gql-'));
  before(async () => {
    azurite = await startTestAzurite();
    Object.assign(process.env, {
      AzureWebJobsStorage: azurite.connectionString,
      MESH_CONTRACTS: 'contracts/telecom',
      MESH_DATA_DIR: dataDir,
      EventHubConnection: '',
      MESH_GRAPHQL_PERSISTED_QUERIES: 'apq',
    });
    host = await startHost({ apps: [{ name: 'hot', entry: HOT_APP }], port: 0, store: 'memory', log: () => {} });
    const { status, body } = await ingest(host.url, EVENTS);
    assert.equal(status, 202, JSON.stringify(body));
    assert.equal(body.accepted, EVENTS.length);
    await host.runtime.idle();
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a customer with accounts and the carried account summaries the actors built', async () => {
    const { status, contentType, body } = await graphql(
      host.url,
      'query($id: ID!) { customer(id: $id) { name segment accounts { key status } accountSummaries { id balance } } }',
      { id: 'c1' },
    );
    assert.equal(status, 200);
    assert.equal(contentType, 'application/graphql-response+json; charset=utf-8');
    assert.equal(body.errors, undefined);
    const c = body.data.customer;
    assert.equal(c.name, 'Ada Lovelace');
    assert.deepEqual(c.accounts.map((a: any) => [a.key, a.status]).sort(), [
      ['a1', 'active'],
      ['a2', 'suspended'],
    ]);
    assert.deepEqual(c.accountSummaries.map((a: any) => [a.id, a.balance]).sort(), [
      ['Account:a1', 120.5],
      ['Account:a2', -3],
    ]);
  });

  it('searches by text and by a carried neighbour field, with facets', async () => {
    const { body } = await graphql(
      host.url,
      '{ searchCustomers(query: "lovelace") { totalCount edges { node { key } } } byBalance: searchCustomers(filter: {accountSummaries: {balance: {lt: 0}}}) { totalCount edges { node { key } } facets { field buckets { value count } } } }',
    );
    assert.deepEqual(body.data.searchCustomers.edges, [{ node: { key: 'c1' } }]);
    assert.equal(body.data.byBalance.totalCount, 1);
    assert.deepEqual(body.data.byBalance.facets.find((f: any) => f.field === 'segment').buckets, [{ value: 'vip', count: 1 }]);
  });

  it('masks personal data unless x-ms-client-principal carries the role', async () => {
    const anonymous = await graphql(host.url, '{ customer(id: "c2") { name email } }');
    assert.deepEqual(anonymous.body.data.customer, { name: 'Alan Turing', email: null });
    assert.equal(anonymous.body.errors[0].extensions.code, 'FORBIDDEN_FIELD');
    const reader = await graphql(host.url, '{ customer(id: "c2") { email } }', undefined, { 'x-ms-client-principal': principalHeader(['pii.read']) });
    assert.deepEqual(reader.body, { data: { customer: { email: 'alan@example.com' } } });
    const otherRole = await graphql(host.url, '{ customer(id: "c2") { email } }', undefined, { 'x-ms-client-principal': principalHeader(['mesh.admin']) });
    assert.equal(otherRole.body.data.customer.email, null);
  });

  it('answers a malformed principal header with 400 problem+json, not an anonymous answer', async () => {
    const res = await fetch(`${host.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ms-client-principal': '%%%not base64 json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
  });

  it('reports the projection lag in /api/health once documents were written', async () => {
    const health = (await (await fetch(`${host.url}/api/health`)).json()) as { projection?: { documents: number; oldestMs: number; unrefreshed?: number } };
    assert.ok(health.projection, 'projection lag present');
    assert.equal(health.projection.documents, 0, 'everything handed over is durable once idle');
    assert.equal(typeof health.projection.unrefreshed, 'number');
  });

  it('serves GET requests (legacy application/json)', async () => {
    const url = new URL(`${host.url}/api/graphql`);
    url.searchParams.set('query', '{ account(id: "a1") { status owner { name } } }');
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    assert.deepEqual(await res.json(), { data: { account: { status: 'active', owner: { name: 'Ada Lovelace' } } } });
  });
});
