import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildASTSchema, GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, parse, printType } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { composeServices } from '@apollo/composition';
import { compileDataProduct } from '../../../../core/contracts';
import { library } from './fixtures';

// Plain graphql-js does not know the federation directives; declaring them lets it build the SDL.
const FEDERATION_DIRECTIVES = `
directive @link(url: String!, import: [String]) repeatable on SCHEMA
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
`;

const sdl = compileDataProduct(library()).sdl;

function buildWithGraphQL(source: string): GraphQLSchema {
  return buildASTSchema(parse(source + FEDERATION_DIRECTIVES));
}

const objectType = (schema: GraphQLSchema, name: string) => {
  const type = schema.getType(name);
  assert.ok(type instanceof GraphQLObjectType, `${name} is an object type`);
  return type;
};

describe('GraphQL compiler', () => {
  const schema = buildWithGraphQL(sdl);

  it('builds with graphql-js', () => {
    assert.ok(schema.getQueryType());
  });

  it('generates the query API for every node type', () => {
    const query = objectType(schema, 'Query').getFields();
    assert.equal(String(query['author']?.type), 'Author');
    assert.equal(String(query['author']?.args[0]?.type), 'ID!');
    assert.equal(String(query['authors']?.type), '[Author]!');
    assert.equal(String(query['authors']?.args[0]?.type), '[ID!]!');
    const search = query['searchBooks'];
    assert.equal(String(search?.type), 'BookConnection!');
    assert.deepEqual(
      search?.args.map((a) => `${a.name}: ${String(a.type)}`),
      ['query: String', 'filter: BookFilter', 'sort: [BookSort!]', 'first: Int', 'after: String'],
    );
    assert.equal(search?.args.find((a) => a.name === 'first')?.defaultValue, 20);
    assert.equal(String(query['node']?.type), 'Node');
  });

  it('exposes edges named like the relation, both ends, and denormalized neighbours', () => {
    const author = objectType(schema, 'Author').getFields();
    assert.equal(String(author['books']?.type), '[Book!]!');
    assert.equal(String(author['bookTitles']?.type), '[AuthorBookTitles!]!');
    assert.equal(String(objectType(schema, 'Book').getFields()['author']?.type), 'Author');
    assert.deepEqual(objectType(schema, 'Book').getInterfaces().map(String), ['Node']);
  });

  it('generates connections, sorts and filters with every operator', () => {
    const connection = objectType(schema, 'BookConnection').getFields();
    assert.deepEqual(Object.keys(connection), ['totalCount', 'edges', 'pageInfo', 'facets']);
    assert.deepEqual(Object.keys(objectType(schema, 'BookEdge').getFields()), ['cursor', 'node']);
    const sortField = schema.getType('BookSortField');
    assert.ok(sortField instanceof GraphQLEnumType);
    assert.deepEqual(
      sortField.getValues().map((v) => v.name),
      ['id', 'price', 'published'],
    );
    const filter = schema.getType('BookFilter');
    assert.ok(filter instanceof GraphQLInputObjectType);
    const fields = filter.getFields();
    assert.equal(String(fields['genre']?.type), 'BookGenreFilter');
    assert.equal(String(fields['price']?.type), 'FloatFilter');
    assert.equal(String(fields['author']?.type), 'IDFilter');
    assert.deepEqual(
      ['and', 'or', 'not'].map((n) => String(fields[n]?.type)),
      ['[BookFilter!]', '[BookFilter!]', 'BookFilter'],
    );
    const floatFilter = schema.getType('FloatFilter');
    assert.ok(floatFilter instanceof GraphQLInputObjectType);
    assert.deepEqual(Object.keys(floatFilter.getFields()), ['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists']);
    assert.match(printType(schema.getType('AuthorFilter')!), /bookTitles: AuthorBookTitlesFilter/);
    assert.match(printType(schema.getType('KeywordFilter')!), /prefix: String/);
  });

  it('puts @key (global id and key) on every node type and describes pii fields', () => {
    assert.match(sdl, /type Author implements Node @key\(fields: "id"\) @key\(fields: "key"\)/);
    assert.match(sdl, /type Book implements Node @key\(fields: "id"\) @key\(fields: "key"\)/);
    assert.match(sdl, /"Personal data: null unless the caller holds the role pii.read."\n  email: String/);
  });

  it('composes under @apollo/composition with a subgraph that extends an entity', () => {
    const loyalty = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
      type Author @key(fields: "id") { id: ID! fanClubSize: Int }
      type PageInfo @shareable { hasNextPage: Boolean! endCursor: String }
      type Query { topAuthors: [Author!]! }
    `;
    const result = composeServices([
      { name: 'mesh', typeDefs: parse(sdl), url: 'http://mesh' },
      { name: 'loyalty', typeDefs: parse(loyalty), url: 'http://loyalty' },
    ]);
    assert.deepEqual(result.errors?.map((e) => e.message) ?? [], []);
    assert.ok(result.schema, 'composition produced a supergraph');
    const api = result.schema.toAPISchema().toGraphQLJSSchema();
    assert.ok(objectType(api, 'Author').getFields()['fanClubSize']);
    assert.ok(objectType(api, 'Author').getFields()['books']);
  });
});
