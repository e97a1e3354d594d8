import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { carry, compileDataProduct, ContractValidationError, edge, field, node, validateDataProduct } from '../../../../core/contracts';
import type { ContractProblemCode, DataProductDef } from '../../../../core/contracts';
import { Author, Book, library, variant } from './fixtures';

function problemsOf(product: DataProductDef) {
  const outcome = validateDataProduct(product);
  return outcome.ok ? [] : outcome.problems;
}

function expectProblem(product: DataProductDef, code: ContractProblemCode, at: string, messagePart: RegExp) {
  const problems = problemsOf(product);
  const found = problems.find((p) => p.code === code && p.at === at);
  assert.ok(found, `expected ${code} at ${at}, got ${JSON.stringify(problems, null, 2)}`);
  assert.match(found.message, messagePart);
}

const withType = (...types: Parameters<typeof variant>[0][]) => library({ types: [Author, Book, ...types] });

describe('contract validation', () => {
  it('accepts the fixture product and declares both ends of each edge', () => {
    const outcome = validateDataProduct(library());
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepEqual(outcome.model.types['Book']?.edges['author'], {
      name: 'author',
      from: 'Book',
      to: 'Author',
      cardinality: 'one',
      inverseCardinality: 'many',
      inverse: 'books',
      owner: 'shop',
      declaredOn: 'Author',
    });
  });

  it('rejects an unknown edge target, naming the known types', () => {
    const broken = variant(Author, {
      edges: { books: edge({ to: 'Bok', cardinality: 'many', inverse: 'author', inverseCardinality: 'one', owner: 'shop' }) },
      denormalized: {},
    });
    expectProblem(library({ types: [broken, Book] }), 'unknown-edge-target', 'Author.books', /Bok, which is not a node type \(known: Author, Book\)/);
  });

  it('rejects an inverse declared on both ends that disagrees', () => {
    const other = variant(Book, { edges: { author: edge({ to: 'Author', cardinality: 'one', inverse: 'works', inverseCardinality: 'many', owner: 'shop' }) } });
    expectProblem(library({ types: [Author, other] }), 'inverse-mismatch', 'Book.author', /defined twice and the definitions disagree/);
  });

  it('accepts an inverse declared on both ends when both agree', () => {
    const other = variant(Book, { edges: { author: edge({ to: 'Author', cardinality: 'one', inverse: 'books', inverseCardinality: 'many', owner: 'shop' }) } });
    assert.deepEqual(problemsOf(library({ types: [Author, other] })), []);
  });

  it('rejects duplicate type names and a name used twice in one type', () => {
    expectProblem(library({ types: [Author, Book, Book] }), 'duplicate-name', 'Book', /declared more than once/);
    const clash = variant(Book, { fields: { ...Book.fields, author: field.keyword() } });
    expectProblem(library({ types: [Author, clash] }), 'duplicate-name', 'Book.author', /already used by a field/);
  });

  it('rejects a generated GraphQL name that another type already has', () => {
    const filter = node({ name: 'BookFilter', owner: 'shop', fields: { x: field.int() } });
    expectProblem(withType(filter), 'duplicate-name', 'Book', /BookFilter generated for Book is also used by BookFilter/);
  });

  it('rejects a denormalized path deeper than 3 hops', () => {
    const deep = variant(Author, { denormalized: { loop: carry(['books', 'author', 'books', 'author'], ['name']) } });
    expectProblem(library({ types: [deep, Book] }), 'path-too-deep', 'Author.loop', /4 hops; at most 3/);
  });

  it('rejects a path through an unknown edge or to an unknown field', () => {
    const badEdge = variant(Author, { denormalized: { x: carry(['novels'], ['title']) } });
    expectProblem(library({ types: [badEdge, Book] }), 'unknown-edge', 'Author.x', /Author.novels, which is not an edge of Author \(edges: books\)/);
    const badField = variant(Author, { denormalized: { x: carry(['books'], ['isbn']) } });
    expectProblem(library({ types: [badField, Book] }), 'unknown-field', 'Author.x', /Book.isbn, which is not a field/);
  });

  it('rejects a pii field that is also a facet', () => {
    const leaky = variant(Author, { fields: { ...Author.fields, email: field.keyword().pii('pii.read').facet() } });
    expectProblem(library({ types: [leaky, Book] }), 'pii-facet', 'Author.email', /facet counts would show its values/);
  });

  for (const name of ['Query', 'Mutation', 'Subscription']) {
    it(`refuses the root type name ${name}`, () => {
      expectProblem(withType(node({ name, owner: 'shop', fields: {} })), 'reserved-name', name, /GraphQL root operation type name/);
    });
  }

  it('refuses Node, built-in and introspection names', () => {
    expectProblem(withType(node({ name: 'Node', owner: 'shop', fields: {} })), 'reserved-name', 'Node', /reserved/);
    expectProblem(withType(node({ name: 'String', owner: 'shop', fields: {} })), 'reserved-name', 'String', /reserved/);
    expectProblem(withType(node({ name: '__Thing', owner: 'shop', fields: {} })), 'reserved-name', '__Thing', /introspection/);
    const fieldName = variant(Book, { fields: { ...Book.fields, __x: field.int() } });
    expectProblem(library({ types: [Author, fieldName] }), 'reserved-name', 'Book.__x', /introspection/);
  });

  it('rejects names GraphQL or the query API cannot use', () => {
    expectProblem(withType(node({ name: 'my-type', owner: 'shop', fields: {} })), 'invalid-name', 'my-type', /PascalCase/);
    const badField = variant(Book, { fields: { ...Book.fields, 'page count': field.int() } });
    expectProblem(library({ types: [Author, badField] }), 'invalid-name', 'Book.page count', /camelCase/);
    const reserved = variant(Book, { fields: { ...Book.fields, and: field.keyword() } });
    expectProblem(library({ types: [Author, reserved] }), 'reserved-name', 'Book.and', /reserved/);
  });

  it('keeps `id` for the global id and `key` for a key named id', () => {
    // Book is keyed `id`: its key shows as `key`, so no field may take that name.
    const keyField = variant(Book, { fields: { ...Book.fields, key: field.keyword() } });
    expectProblem(library({ types: [Author, keyField] }), 'duplicate-name', 'Book.key', /already used by a key/);
    // Keyed `isbn`: `id` is the global id, so no field may be named id.
    const idField = variant(Book, { key: 'isbn', fields: { ...Book.fields, id: field.keyword() } });
    expectProblem(library({ types: [Author, idField] }), 'duplicate-name', 'Book.id', /global id/);
    const ok = variant(Book, { key: 'isbn', fields: { ...Book.fields, key: field.keyword() } });
    assert.ok(validateDataProduct(library({ types: [Author, ok] })).ok);
  });

  it('refuses a facet on a many end and a facet of carried pii', () => {
    const manyFacet = variant(Author, {
      edges: { books: edge({ to: 'Book', cardinality: 'many', inverse: 'author', inverseCardinality: 'one', owner: 'shop', facet: true }) },
    });
    expectProblem(library({ types: [manyFacet, Book] }), 'invalid-flag', 'Author.books', /'many' end and cannot be a facet/);
    const oneFacet = variant(Author, {
      edges: { books: edge({ to: 'Book', cardinality: 'many', inverse: 'author', inverseCardinality: 'one', owner: 'shop', inverseFacet: true }) },
    });
    const outcome = validateDataProduct(library({ types: [oneFacet, Book] }));
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.model.types['Book']?.edges['author']?.facet, true);
    const piiFacet = variant(Book, { denormalized: { writer: carry(['author'], ['email'], { facets: ['email'] }) } });
    const withEmail = variant(Author, { fields: { ...Author.fields, email: field.keyword().pii('pii.read') } });
    expectProblem(library({ types: [withEmail, piiFacet] }), 'pii-facet', 'Book.writer.email', /facet counts would show/);
    const notCarried = variant(Book, { denormalized: { writer: carry(['author'], ['name'], { facets: ['born'] }) } });
    expectProblem(library({ types: [Author, notCarried] }), 'unknown-field', 'Book.writer', /counts born in facets but does not carry it/);
  });

  it('rejects owners that are not declared sources', () => {
    const orphan = variant(Book, { owner: 'warehouse' });
    expectProblem(library({ types: [Author, orphan] }), 'unknown-source', 'Book', /"warehouse", which is not a declared source/);
  });

  it('rejects enum values GraphQL cannot carry; a text facet counts exact values', () => {
    const badEnum = variant(Book, { fields: { ...Book.fields, genre: field.enum(['sci-fi', 'null']) } });
    const problems = problemsOf(library({ types: [Author, badEnum] })).filter((p) => p.code === 'invalid-enum');
    assert.equal(problems.length, 2);
    const textFacet = variant(Book, { fields: { ...Book.fields, title: field.text().facet() } });
    assert.ok(validateDataProduct(library({ types: [Author, textFacet] })).ok);
  });

  it('rejects a record type outside its source namespace and a bad sequence field', () => {
    const records = { 'other.row': { fields: { a: field.float() }, sequence: 'a', map: () => [] } };
    const product = library({ sources: { ...library().sources, shop: { records } } });
    expectProblem(product, 'invalid-name', 'other.row', /must start with "shop\."/);
    expectProblem(product, 'invalid-sequence', 'other.row.a', /int or keyword/);
  });

  it('throws one error listing every problem when compiling', () => {
    const product = withType(node({ name: 'Subscription', owner: 'nowhere', fields: {} }));
    assert.throws(
      () => compileDataProduct(product, 'contracts/broken'),
      (err: unknown) => {
        assert.ok(err instanceof ContractValidationError);
        assert.equal(err.setting, 'MESH_CONTRACTS');
        assert.equal(err.problems.length, 2);
        assert.match(err.message, /contracts\/broken has 2 contract problem\(s\)/);
        assert.match(err.message, /\[reserved-name\].*\n.*\[unknown-source\]/);
        return true;
      },
    );
  });
});
