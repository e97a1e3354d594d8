// Compile-time checks (run by `tsc`): the types inferred from the telecom contracts. The runtime
// assertions only keep the values used.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Field, InferEdges, InferProjection, InferRecord, InferState } from '../../../core/contracts';
import type { telecom } from '../../../contracts/telecom';

type Telecom = typeof telecom;

describe('inferred types', () => {
  it('types a customer projection: fields, edges both ends, paths up to 3 hops', () => {
    const customer: InferProjection<Telecom, 'Customer'> = {
      id: 'C1',
      name: 'Ada',
      segment: 'vip',
      accounts: ['A1'],
      interactions: [],
      accountSummaries: [{ id: 'A1', status: 'active', balance: 12.5 }],
      plans: [{ id: 'P1', name: 'Unlimited 5G' }],
    };
    // @ts-expect-error segment is an enum of the contract
    const badSegment: InferProjection<Telecom, 'Customer'>['segment'] = 'gold';
    // @ts-expect-error a carried status keeps the Account enum type
    const badStatus: InferProjection<Telecom, 'Customer'>['accountSummaries'] = [{ id: 'A1', status: 'open' }];
    assert.ok(customer && badSegment && badStatus);
  });

  it('types implied inverse edges and single neighbours', () => {
    const account: InferEdges<Telecom, 'Account'> = { owner: 'C1', lines: ['S1'] };
    // @ts-expect-error owner is a single id (Customer.accounts declares Account.owner as one)
    const many: InferEdges<Telecom, 'Account'> = { owner: ['C1'], lines: [] };
    const line: InferProjection<Telecom, 'Line'> = { id: 'S1', account: 'A1', plan: 'P1', device: null, planInfo: { id: 'P1', name: 'x' }, deviceInfo: null };
    const state: InferState<Telecom, 'Plan'> = { fields: { id: 'P1', dataGb: 5 }, edges: { lines: ['S1'] } };
    assert.ok(account && many && line && state);
  });

  it('types source records: required columns present, the others optional or null', () => {
    type Row = InferRecord<{ 'Customer No': Field<string, true>; City: Field<string> }>;
    const row: Row = { 'Customer No': 'C1', City: null };
    // @ts-expect-error a required column is missing
    const missing: Row = { City: 'Madrid' };
    assert.ok(row && missing);
  });
});
