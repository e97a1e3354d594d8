import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchQuery, readPlan } from '../../../adapters/search/sqlite-query';
import { layoutOf } from '../../../adapters/search/sqlite-layout';
import { personSpec } from '../../conformance/fixtures';

const layout = layoutOf(personSpec('Person'));
const column = (path: string) => layout.byPath.get(path)!.column;

describe('matchQuery', () => {
  it('quotes every word, doubling quotes, and drops tokens without a letter or digit', () => {
    assert.equal(matchQuery('name:x AND "o\'brien" - .'), '"name:x" "AND" """o\'brien"""');
    assert.equal(matchQuery(' - . @ '), undefined);
    assert.equal(matchQuery(undefined), undefined);
  });

  it('splits words at control characters (a NUL would end the FTS5 string)', () => {
    assert.equal(matchQuery('a\u0000b\u0007c'), '"a" "b" "c"');
  });
});

describe('readPlan', () => {
  it('hands words (searchable columns only) and top-level facet equalities to FTS5, the rest to SQL', () => {
    const plan = readPlan(layout, {
      text: 'ann',
      filter: {
        and: [
          { field: 'city', op: 'eq', value: 'Oslo' },
          { field: 'vip', op: 'in', value: [true, false] },
          { field: 'age', op: 'gt', value: 3 },
        ],
      },
    });
    const hex = (s: string) => Buffer.from(s).toString('hex');
    assert.equal(
      plan.fts,
      `{${column('name')} ${column('bio')} ${column('manager.name')}} : ("ann") AND facets : ("x${column('city')}x${hex('Oslo')}") AND facets : ("x${column('vip')}x${hex('1')}" OR "x${column('vip')}x${hex('0')}")`,
    );
    assert.deepEqual(plan.rest, { sql: `(d.${column('age')} > ?)`, params: [3] });
  });

  it('keeps equalities under or/not, and on non-facet fields, in SQL', () => {
    const plan = readPlan(layout, { filter: { or: [{ field: 'city', op: 'eq', value: 'Oslo' }, { not: { field: 'segment', op: 'eq', value: 'vip' } }] } });
    assert.equal(plan.fts, undefined);
    assert.match(plan.rest.sql, /OR/);
    assert.equal(readPlan(layout, { filter: { field: 'id', op: 'eq', value: 'a' } }).fts, undefined);
  });
});
