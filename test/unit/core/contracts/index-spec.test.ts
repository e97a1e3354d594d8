import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateDataProduct } from '../../../../core/contracts/index';
import type { NodeModel } from '../../../../core/contracts/index';
import { telecom } from '../../../../contracts/telecom/index';
import { indexSpecOf, sameMapping } from '../../../../core/contracts/index-spec';
import { decodeCursor, encodeCursor } from '../../../../core/projection/cursor';
import { UserError } from '../../../../core/errors';

function customer(): NodeModel {
  const outcome = validateDataProduct(telecom);
  assert.ok(outcome.ok);
  return JSON.parse(JSON.stringify(outcome.model.types['Customer'])) as NodeModel;
}

describe('indexSpecOf', () => {
  it('indexes the key, own fields, edge ids and denormalized fields as path.field', () => {
    const spec = indexSpecOf(customer(), 3);
    assert.equal(spec.type, 'Customer');
    assert.equal(spec.version, 3);
    const byPath = new Map(spec.fields.map((f) => [f.path, f]));
    assert.deepEqual(byPath.get('id'), { path: 'id', kind: 'keyword', list: false, searchable: false, facet: false, sortable: true });
    assert.deepEqual(byPath.get('name'), { path: 'name', kind: 'text', list: false, searchable: true, facet: false, sortable: true });
    // An enum is a keyword for the index.
    assert.equal(byPath.get('segment')?.kind, 'keyword');
    assert.equal(byPath.get('segment')?.facet, true);
    assert.equal(byPath.get('accounts')?.list, true);
    assert.equal(byPath.get('accountSummaries.id')?.list, true);
    assert.equal(byPath.get('accountSummaries.status')?.facet, true);
  });

  it('makes every field on a many path a list that cannot be sorted on', () => {
    const balance = indexSpecOf(customer()).fields.find((f) => f.path === 'accountSummaries.balance');
    assert.deepEqual(balance, { path: 'accountSummaries.balance', kind: 'float', list: true, searchable: false, facet: false, sortable: false });
  });

  it('keeps a one path scalar', () => {
    const node = customer();
    node.denormalized['accountSummaries']!.many = false;
    const balance = indexSpecOf(node).fields.find((f) => f.path === 'accountSummaries.balance');
    assert.equal(balance?.list, false);
    assert.equal(balance?.sortable, true);
  });

  it('sameMapping ignores the version and field order, not a changed flag', () => {
    const a = indexSpecOf(customer(), 1);
    const b = { ...indexSpecOf(customer(), 2), fields: [...a.fields].reverse() };
    assert.ok(sameMapping(a, b));
    const c = indexSpecOf(customer(), 1);
    c.fields[1] = { ...c.fields[1]!, facet: !c.fields[1]!.facet };
    assert.ok(!sameMapping(a, c));
  });
});

describe('cursor codec', () => {
  it('round-trips sort values', () => {
    const values = [1.5e-7, 'Zoë "x"', null, true];
    assert.deepEqual(decodeCursor(encodeCursor(values), 4), values);
  });

  it('refuses a cursor of another length or a made-up one with a 400', () => {
    assert.throws(
      () => decodeCursor(encodeCursor([1, 'a']), 3),
      (e: unknown) => e instanceof UserError && e.status === 400,
    );
    assert.throws(
      () => decodeCursor('not a cursor', 1),
      (e: unknown) => e instanceof UserError && e.code === 'invalid-cursor',
    );
  });
});
