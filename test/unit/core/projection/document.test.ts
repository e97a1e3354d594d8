import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DOC_BYTES, documentChecker, sizeProblem, valuesAt } from '../../../../core/projection/document';
import type { IndexSpec } from '../../../../core/projection/port';

const spec: IndexSpec = {
  type: 'Customer',
  version: 1,
  fields: [
    { path: 'id', kind: 'keyword', list: false, searchable: false, facet: false, sortable: true },
    { path: 'age', kind: 'int', list: false, searchable: false, facet: false, sortable: true },
    { path: 'since', kind: 'datetime', list: false, searchable: false, facet: false, sortable: true },
    { path: 'accounts.status', kind: 'keyword', list: true, searchable: false, facet: true, sortable: false },
  ],
};
const checker = documentChecker(spec);
const doc = (body: Record<string, unknown>) => ({ id: 'Customer:c1', type: 'Customer', version: 1, body });

describe('valuesAt', () => {
  it('flattens lists along a dotted path and skips missing values', () => {
    const body = { accounts: [{ status: 'active' }, { status: null }, {}, { status: 'closed' }] };
    assert.deepEqual(valuesAt(body, 'accounts.status'), ['active', 'closed']);
    assert.deepEqual(valuesAt({ accounts: { status: 'x' } }, 'accounts.status'), ['x']);
    assert.deepEqual(valuesAt({}, 'accounts.status'), []);
  });
});

describe('documentChecker', () => {
  it('accepts a document of the mapping, with nulls', () => {
    assert.equal(checker.problem(doc({ id: 'c1', age: 4, since: '2024-01-02T03:04:05Z', accounts: [{ status: 'active' }, { status: null }] })), undefined);
    assert.equal(checker.problem(doc({ age: null })), undefined);
  });

  it('names the field that does not fit the mapping', () => {
    assert.match(checker.problem(doc({ age: 'four' }))!, /age expects int/);
    assert.match(checker.problem(doc({ age: 4.5 }))!, /age expects int/);
    assert.match(checker.problem(doc({ since: 'yesterday' }))!, /since expects datetime/);
    assert.match(checker.problem(doc({ nickname: 'x' }))!, /nickname is not in the index mapping/);
    assert.match(checker.problem(doc({ accounts: [{ status: 'a', colour: 'red' }] }))!, /accounts.colour is not in the index mapping/);
    assert.match(checker.problem(doc({ age: [1, 2] }))!, /age holds one value, got a list/);
    assert.match(checker.problem({ ...doc({}), type: 'Account' })!, /type Account/);
  });

  it('accepts any body on a tombstone', () => {
    assert.equal(checker.problem({ ...doc({ anything: 1 }), deleted: true }), undefined);
  });
});

describe('sizeProblem', () => {
  it('accepts a body of exactly the limit and refuses one byte more', () => {
    assert.equal(sizeProblem('x'.repeat(MAX_DOC_BYTES)), undefined);
    assert.match(sizeProblem('é'.repeat(MAX_DOC_BYTES / 2) + 'x')!, /above the limit/);
  });
});
