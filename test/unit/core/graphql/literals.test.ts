// Inline literals become variables, so requests that differ only in literals share one prepared
// document; what cannot be a variable (defaults, directives, invalid literals) stays as it is.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { print } from 'graphql';
import { hoistLiterals, literalShape, literalVariables } from '../../../../core/graphql/literals';
import { buildMeshSchema } from '../../../../core/graphql/schema';
import { parse } from 'graphql';
import { model, openBed, type Bed } from './fixture';

const { schema } = buildMeshSchema(model);

describe('literal shapes', () => {
  it('blanks string and number literals, keeps names and enum values', () => {
    const a = literalShape('{ customer(id: "c1") { name } searchAccounts(first: 5, filter: {status: {eq: active}}) { totalCount } }')!;
    const b = literalShape('{customer(id:"c999"){name} searchAccounts(first: 7 filter: {status: {eq: active}}) {totalCount}}')!;
    assert.equal(a.key, b.key);
    assert.deepEqual(
      b.literals.map((l) => l.value),
      ['c999', '7'],
    );
    assert.notEqual(a.key, literalShape('{ customer(id: "c1") { name } searchAccounts(first: 5, filter: {status: {eq: closed}}) { totalCount } }')!.key);
  });

  it('is undefined for text that does not lex', () => {
    assert.equal(literalShape('{ customer(id: "unterminated) }'), undefined);
  });
});

describe('hoisting literals', () => {
  it('turns argument literals (also inside input objects and lists) into typed variables', () => {
    const query = '{ customer(id: "c1") { name } searchCustomers(first: 5, filter: {city: {in: ["Oslo", "Lima"]}}) { totalCount } }';
    const shape = literalShape(query)!;
    const hoisted = hoistLiterals(schema, parse(query), shape);
    assert.equal(
      print(hoisted.document).replace(/\s+/g, ' '),
      'query ($_l0: ID!, $_l1: Int, $_l2: String!, $_l3: String!) { customer(id: $_l0) { name } searchCustomers(first: $_l1, filter: {city: {in: [$_l2, $_l3]}}) { totalCount } }',
    );
    assert.deepEqual(literalVariables(hoisted, shape), { _l0: 'c1', _l1: 5, _l2: 'Oslo', _l3: 'Lima' });
  });

  it('keeps variable defaults and directive arguments inline, and checks them on reuse', () => {
    const query = 'query($n: Int = 3) { searchCustomers(first: $n) @include(if: true) { totalCount } customer(id: "c1") { id } }';
    const shape = literalShape(query)!;
    const hoisted = hoistLiterals(schema, parse(query), shape);
    assert.deepEqual(
      hoisted.variables.map((v) => v.name),
      ['_l0'],
    );
    assert.deepEqual([...hoisted.fixed.values()], ['3']);
    const otherDefault = literalShape(query.replace('= 3', '= 4'))!;
    assert.equal(literalVariables(hoisted, otherDefault), undefined, 'a different default is a different document');
  });

  it('leaves a literal that is invalid where it stands, so validation still reports it', () => {
    const query = '{ searchCustomers(filter: {segment: {eq: "vip"}}) { totalCount } }';
    const hoisted = hoistLiterals(schema, parse(query), literalShape(query)!);
    assert.equal(hoisted.variables.length, 0);
  });
});

describe('prepared-document cache with inline literals', () => {
  let bed: Bed;
  before(async () => {
    bed = await openBed('jit', 10);
  });
  after(() => bed.close());

  it('answers inline-literal queries like their variables form, from one prepared document', async () => {
    for (let i = 1; i <= 10; i++) {
      const inline = await bed.run(`{ customer(id: "c${i}") { id name accounts { id } } }`);
      const variables = await bed.run('query($id: ID!) { customer(id: $id) { id name accounts { id } } }', { id: `c${i}` });
      assert.deepEqual(inline, variables);
    }
    const shapes = (bed.engine as unknown as { byShape: { size: number } }).byShape.size;
    assert.equal(shapes, 2, 'ten inline ids share one shape (plus the variables form)');
  });

  it('still reports an invalid inline literal as graphql-js does', async () => {
    const { errors } = await bed.run('{ searchCustomers(filter: {segment: {eq: "vip"}}) { totalCount } }');
    assert.match(errors[0].message, /Enum "CustomerSegment" cannot represent non-enum value: "vip"/);
  });

  it('runs a hoisted Int out of range as an error, not a wrong answer', async () => {
    const { errors } = await bed.run('{ searchCustomers(first: 99999999999) { totalCount } }');
    assert.match(errors[0].message, /Int cannot represent non 32-bit signed integer value/);
  });
});
