import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { compileDataProduct, validateDataProduct } from '../../../core/contracts';
import { loadDataProduct } from '../../../adapters/contracts/load';
import type { CloudEvent } from '../../../core/contracts';
import { telecom } from '../../../contracts/telecom';
import { Line } from '../../../contracts/telecom/types';

const compiled = compileDataProduct(telecom);
const record = (source: string, type: string, data: unknown): CloudEvent => ({ specversion: '1.0', id: `${type}-1`, source, type, data });

/** One realistic record per source-native type, and the canonical changes it must become. */
const SAMPLES: Array<[CloudEvent, string[]]> = [
  [
    record('crm', 'crm.customer.row', {
      'Customer No': 'C1',
      'Full Name': 'Ada Lovelace',
      'E-mail': 'ada@example.com',
      Mobile: '+441',
      Segment: 'VIP',
      City: 'London',
      'Created On': '2020-02-03',
      Deleted: 'N',
      'Row Version': 4,
    }),
    ['upsert Customer/C1 {"name":"Ada Lovelace","email":"ada@example.com","phone":"+441","segment":"vip","city":"London","createdAt":"2020-02-03T00:00:00Z"}'],
  ],
  [record('crm', 'crm.customer.row', { 'Customer No': 'C1', Deleted: 'Y', 'Row Version': 5 }), ['delete Customer/C1']],
  [
    record('billing', 'billing.account.row', {
      account_id: 'A1',
      customer_no: 'C1',
      status_code: 'S',
      balance_cents: 1250,
      currency: 'EUR',
      op: 'u',
      lsn: '1000',
    }),
    ['upsert Account/A1 {"status":"suspended","balance":12.5,"currency":"EUR"}', 'link Account/A1 owner Customer/C1'],
  ],
  [
    record('billing', 'billing.subscription.row', {
      subscription_id: 'S1',
      account_id: 'A1',
      msisdn: '+3461',
      plan_code: 'P1',
      status: 'active',
      activated_at: '2021-01-01T10:00:00Z',
      op: 'c',
      lsn: '1001',
    }),
    ['upsert Line/S1 {"msisdn":"+3461","status":"active","startedAt":"2021-01-01T10:00:00Z"}', 'link Line/S1 account Account/A1', 'link Line/S1 plan Plan/P1'],
  ],
  [record('billing', 'billing.subscription.row', { subscription_id: 'S1', op: 'd', lsn: '1002' }), ['delete Line/S1']],
  [
    record('catalog', 'catalog.plan.published', { planCode: 'P1', displayName: 'Unlimited 5G', priceMonthly: 29.99, dataAllowanceGb: 100, revision: 7 }),
    ['upsert Plan/P1 {"name":"Unlimited 5G","monthlyPrice":29.99,"dataGb":100}'],
  ],
  [
    record('inventory', 'inventory.device.doc', {
      _id: 'D1',
      imei: '35000',
      manufacturer: 'Fairphone',
      modelName: 'FP5',
      assignedSubscription: 'S1',
      version: 2,
    }),
    ['upsert Device/D1 {"imei":"35000","maker":"Fairphone","model":"FP5"}', 'link Device/D1 line Line/S1'],
  ],
  [
    record('retail', 'retail.store.row', { store_no: 'ST1', store_name: 'Gran Via', town: 'Madrid', rev: 1 }),
    ['upsert Store/ST1 {"name":"Gran Via","city":"Madrid"}'],
  ],
  [
    record('care', 'care.interaction.logged', {
      ticketId: 'T1',
      customerNo: 'C1',
      channel: 'store',
      topic: 'roaming',
      notes: 'Asked about roaming fees',
      storeNo: 'ST1',
      occurredAt: '2024-03-01T09:30:00+01:00',
      seq: 1,
    }),
    [
      'upsert Interaction/T1 {"channel":"store","topic":"roaming","text":"Asked about roaming fees","at":"2024-03-01T09:30:00+01:00"}',
      'link Interaction/T1 customer Customer/C1',
      'link Interaction/T1 store Store/ST1',
    ],
  ],
  [record('care', 'care.interaction.purged', { ticketId: 'T1', seq: 2 }), ['delete Interaction/T1']],
];

describe('telecom data product', () => {
  it('is what MESH_CONTRACTS loads by default', async () => {
    assert.equal((await loadDataProduct()).version, compiled.version);
  });

  it('declares the seven node types with their owners and pii for pii.read', () => {
    const owners = Object.fromEntries(Object.values(compiled.model.types).map((t) => [t.name, t.owner]));
    assert.deepEqual(owners, {
      Customer: 'crm',
      Account: 'billing',
      Line: 'billing',
      Plan: 'catalog',
      Device: 'inventory',
      Store: 'retail',
      Interaction: 'care',
    });
    const pii = Object.values(compiled.model.types).flatMap((t) =>
      Object.values(t.fields)
        .filter((f) => f.pii)
        .map((f) => `${t.name}.${f.name}:${f.pii}`),
    );
    assert.deepEqual(pii, ['Customer.email:pii.read', 'Customer.phone:pii.read', 'Line.msisdn:pii.read', 'Device.imei:pii.read']);
  });

  it('has each edge on both ends, owned by the source of the child record', () => {
    const edges = Object.values(compiled.model.types).flatMap((t) =>
      Object.values(t.edges).map((e) => `${t.name}.${e.name}->${e.to}.${e.inverse}(${e.cardinality},${e.owner})`),
    );
    assert.deepEqual(edges.sort(), [
      'Account.lines->Line.account(many,billing)',
      'Account.owner->Customer.accounts(one,billing)',
      'Customer.accounts->Account.owner(many,billing)',
      'Customer.interactions->Interaction.customer(many,care)',
      'Device.line->Line.device(one,inventory)',
      'Interaction.customer->Customer.interactions(one,care)',
      'Interaction.store->Store.interactions(one,care)',
      'Line.account->Account.lines(one,billing)',
      'Line.device->Device.line(one,inventory)',
      'Line.plan->Plan.lines(one,billing)',
      'Plan.lines->Line.plan(many,billing)',
      'Store.interactions->Interaction.store(many,care)',
    ]);
  });

  it("denormalizes account status and balance, plan names 3 hops away, and a line's plan and device", () => {
    const paths = Object.values(compiled.model.types).flatMap((t) =>
      Object.values(t.denormalized).map((d) => `${t.name}.${d.name}=${d.via.join('.')}:${Object.keys(d.fields).join(',')}${d.many ? '[]' : ''}`),
    );
    assert.deepEqual(paths, [
      'Customer.accountSummaries=accounts:status,balance[]',
      'Customer.plans=accounts.lines.plan:name[]',
      'Line.planInfo=plan:name',
      'Line.deviceInfo=device:model',
    ]);
  });

  for (const [event, expected] of SAMPLES) {
    it(`maps ${event.type} ${JSON.stringify(event.data).slice(0, 40)}…`, () => {
      const result = compiled.mapEvent(event);
      assert.ok(result.ok, JSON.stringify(result));
      const summary = result.changes.map((c) =>
        c.op === 'upsert'
          ? `upsert ${c.type}/${c.id} ${JSON.stringify(c.fields)}`
          : c.op === 'delete'
            ? `delete ${c.type}/${c.id}`
            : `${c.op} ${c.type}/${c.id} ${c.rel} ${c.toType}/${c.toId}`,
      );
      assert.deepEqual(summary, expected);
    });
  }

  it("rejects a record with a value outside the sheet's own vocabulary", () => {
    const result = compiled.mapEvent(record('crm', 'crm.customer.row', { 'Customer No': 'C1', Segment: 'Gold', 'Row Version': 1 }));
    assert.deepEqual(result.ok ? [] : result.reasons, ['data.Segment: must be one of "Consumer", "Business", "VIP", null']);
  });

  it('refuses to name the line type Subscription, with a clear message', () => {
    const outcome = validateDataProduct({ ...telecom, types: telecom.types.map((t) => (t === Line ? { ...Line, name: 'Subscription' } : t)) });
    assert.ok(!outcome.ok);
    const problem = outcome.problems.find((p) => p.code === 'reserved-name');
    assert.match(problem?.message ?? '', /type name Subscription is a GraphQL root operation type name/);
  });

  it('composes with a subgraph that extends Customer', () => {
    const loyalty = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Customer @key(fields: "id") { id: ID! loyaltyPoints: Int }
      type Query { topCustomers: [Customer!]! }`;
    const result = composeServices([
      { name: 'mesh', typeDefs: parse(compiled.sdl) },
      { name: 'loyalty', typeDefs: parse(loyalty) },
    ]);
    assert.deepEqual(result.errors?.map((e) => e.message) ?? [], []);
  });
});
