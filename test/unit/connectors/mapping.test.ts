// Rows to source-native events: values read as the contract's field kinds, stable ids, sequences,
// and reasons that name the row and the column.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDataProduct } from '../../../core/contracts';
import { telecom } from '../../../contracts/telecom';
import { coerce } from '../../../connectors/values';
import { ConnectorError, resolveRecord, rowData } from '../../../connectors/records';
import { fileSequence, planFile, rowToEvent } from '../../../connectors/files/mapping';

const { model } = compileDataProduct(telecom);
const customer = resolveRecord(model, 'crm', 'customer');
const subscription = resolveRecord(model, 'billing', 'subscription');
const MTIME = Date.UTC(2024, 4, 1, 12, 0, 0);
const row = (index: number, values: Record<string, unknown>) => ({ at: `row ${index + 1}`, index, values });

describe('record resolution', () => {
  it('finds a record by name, full type, a plural file or table name, or the only one', () => {
    assert.equal(resolveRecord(model, 'crm').type, 'crm.customer.row');
    assert.equal(resolveRecord(model, 'billing', 'billing.account.row').type, 'billing.account.row');
    assert.equal(resolveRecord(model, 'billing', undefined, 'accounts').type, 'billing.account.row');
    assert.equal(resolveRecord(model, 'billing', undefined, 'subscriptions').type, 'billing.subscription.row');
  });

  it('says what exists when it cannot', () => {
    assert.throws(() => resolveRecord(model, 'erp'), /no source "erp"; sources: crm, billing/);
    assert.throws(
      () => resolveRecord(model, 'billing'),
      (e: Error) =>
        e instanceof ConnectorError && /declares 2 record types \(billing.account.row, billing.subscription.row\); name one with --type/.test(e.message),
    );
    assert.throws(() => resolveRecord(model, 'crm', 'contact'), /no record type crm.contact.row; it declares crm.customer.row/);
  });
});

describe('values as field kinds', () => {
  const f = (kind: string, extra: Record<string, unknown> = {}) => ({ name: 'x', kind, list: false, required: false, ...extra }) as never;
  it('reads spreadsheet and text values', () => {
    assert.deepEqual(coerce(1001, f('keyword')), { ok: true, value: '1001' });
    assert.deepEqual(coerce(new Date(Date.UTC(2020, 1, 3)), f('keyword')), { ok: true, value: '2020-02-03' });
    assert.deepEqual(coerce(' 42 ', f('int')), { ok: true, value: 42 });
    assert.deepEqual(coerce('vip', f('enum', { values: ['Consumer', 'VIP'] })), { ok: true, value: 'VIP' });
    assert.deepEqual(coerce('2024-05-01', f('datetime')), { ok: true, value: '2024-05-01T00:00:00Z' });
    assert.deepEqual(coerce('2024-05-01 10:00:00+02:00', f('datetime')), { ok: true, value: '2024-05-01T10:00:00+02:00' });
    assert.deepEqual(coerce('yes', f('bool')), { ok: true, value: true });
    assert.deepEqual(coerce('a; b', f('keyword', { list: true })), { ok: true, value: ['a', 'b'] });
    assert.deepEqual(coerce('', f('int')), { ok: true, value: null });
  });
  it('refuses what is not the kind, saying what it found', () => {
    assert.deepEqual(coerce('12a', f('int')), { ok: false, reason: '"12a" is not an integer' });
    assert.match((coerce('2024-02-31', f('datetime')) as { reason: string }).reason, /"2024-02-31" is not a date/);
    assert.match((coerce('01/05/2024', f('datetime')) as { reason: string }).reason, /is not a date \(ISO 8601/);
    assert.match((coerce('Gold', f('enum', { values: ['Consumer', 'VIP'] })) as { reason: string }).reason, /"Gold" is not one of Consumer, VIP/);
    assert.match((coerce(' ', f('keyword', { required: true })) as { reason: string }).reason, /empty, but the contract requires/);
  });
  it('passes undeclared columns through and leaves absent optional ones out', () => {
    assert.deepEqual(rowData(customer, { 'Customer No': 'C1', 'Row Version': '3', Extra: new Date(Date.UTC(2020, 0, 1)) }), {
      ok: true,
      data: { Extra: '2020-01-01', 'Customer No': 'C1', 'Row Version': 3 },
    });
  });
});

describe('file rows to events', () => {
  it('refuses a file without the key column or a required column, listing the columns it has', () => {
    assert.throws(
      () => planFile({ source: 'crm', record: customer, file: '/x/customers.csv', mtimeMs: MTIME, columns: ['Name', 'Row Version'] }),
      /customers.csv has no column "Customer No" \(the row key of crm.customer.row; --key names another\); its columns are "Name", "Row Version"/,
    );
    assert.throws(
      () => planFile({ source: 'billing', record: subscription, file: 'subs.csv', mtimeMs: MTIME, key: 'msisdn', columns: ['msisdn', 'op'] }),
      /subs.csv has no column "subscription_id", "lsn", which billing.subscription.row requires/,
    );
  });

  it('refuses a file without the sequence column the record requires, naming the columns it has and those the record reads', () => {
    assert.throws(
      () => planFile({ source: 'crm', record: customer, file: '/x/customers.csv', mtimeMs: MTIME, columns: ['Customer No', 'Full Name'] }),
      (e: Error) =>
        e instanceof ConnectorError &&
        e.message.startsWith('customers.csv has no column "Row Version", which crm.customer.row requires; its columns are "Customer No", "Full Name". ') &&
        e.message.includes('crm.customer.row reads "Customer No" (required), "Full Name", "E-mail"') &&
        e.message.endsWith('"Row Version" (required)'),
    );
  });

  it('rejects a row without the required sequence instead of making one up (NDJSON rows name their own columns)', () => {
    const plan = planFile({ source: 'crm', record: customer, file: 'customers.ndjson', mtimeMs: MTIME, columns: ['Customer No', 'Row Version'] });
    assert.deepEqual(rowToEvent(plan, row(2, { 'Customer No': 'C2' })), {
      ok: false,
      reason: 'customers.ndjson row 3, column "Row Version": is missing, but the contract requires it',
    });
    assert.deepEqual(rowToEvent(plan, row(3, { 'Customer No': 'C3', 'Row Version': ' ' })), {
      ok: false,
      reason: 'customers.ndjson row 4, column "Row Version": is empty, but the contract requires a value',
    });
  });

  it('gives the same event for the same row, file and version, and another for a new version', () => {
    const plan = planFile({ source: 'crm', record: customer, file: 'customers.xlsx', mtimeMs: MTIME, columns: ['Customer No', 'Full Name', 'Row Version'] });
    const a = rowToEvent(plan, row(1, { 'Customer No': 'C1', 'Full Name': 'Ada', 'Row Version': 1 }));
    const again = rowToEvent(plan, row(1, { 'Customer No': 'C1', 'Full Name': 'Ada', 'Row Version': 1 }));
    const newer = rowToEvent(plan, row(1, { 'Customer No': 'C1', 'Full Name': 'Ada L.', 'Row Version': 2 }));
    assert.ok(a.ok && again.ok && newer.ok);
    assert.deepEqual(a.event, again.event);
    assert.notEqual(a.event.id, newer.event.id);
    assert.deepEqual(
      { ...a.event, id: 'x' },
      { specversion: '1.0', id: 'x', source: 'crm', type: 'crm.customer.row', data: { 'Customer No': 'C1', 'Full Name': 'Ada', 'Row Version': 1 } },
    );
  });

  it('takes the sequence from the file time and the row when an optional sequence column is absent', () => {
    const optional = { ...customer, fields: { ...customer.fields, 'Row Version': { ...customer.fields['Row Version']!, required: false } } };
    const plan = planFile({ source: 'crm', record: optional, file: 'customers.csv', mtimeMs: MTIME, columns: ['Customer No'] });
    const e = rowToEvent(plan, row(7, { 'Customer No': 'C7' }));
    assert.ok(e.ok);
    assert.equal((e.event.data as Record<string, unknown>)['Row Version'], (MTIME / 1000) * 4_194_304 + 7);
    assert.ok(Number.isSafeInteger(fileSequence(plan, 4_194_303)));
    const later = planFile({ source: 'crm', record: optional, file: 'customers.csv', mtimeMs: MTIME + 1000, columns: ['Customer No'] });
    assert.ok((fileSequence(later, 1) as number) > (fileSequence(plan, 4_000_000) as number), 'an edited file is newer than every row of the old one');
  });

  it('rejects a bad row naming the file, the row and the column', () => {
    const plan = planFile({
      source: 'billing',
      record: subscription,
      file: 'subscriptions.csv',
      mtimeMs: MTIME,
      columns: ['subscription_id', 'activated_at', 'op', 'lsn'],
    });
    assert.deepEqual(rowToEvent(plan, row(3, { subscription_id: 'S1', activated_at: '2024-13-01', op: 'c', lsn: '10' })), {
      ok: false,
      reason:
        'subscriptions.csv row 4, column "activated_at": "2024-13-01" is not a date (ISO 8601 with a zone, e.g. 2024-05-01T09:30:00Z, or a date 2024-05-01)',
    });
    assert.deepEqual(rowToEvent(plan, row(4, { subscription_id: '', op: 'c', lsn: '10' })), {
      ok: false,
      reason: 'subscriptions.csv row 5, column "subscription_id": the row key is empty',
    });
    assert.deepEqual(rowToEvent(plan, row(5, { subscription_id: 'S2', op: 'x', lsn: '10' })), {
      ok: false,
      reason: 'subscriptions.csv row 6, column "op": "x" is not one of c, u, d',
    });
    assert.deepEqual(rowToEvent(plan, { at: 'line 9', index: 9, values: {}, problem: 'has 3 fields; the header line has 4' }), {
      ok: false,
      reason: 'subscriptions.csv line 9 has 3 fields; the header line has 4',
    });
  });
});
