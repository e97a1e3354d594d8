// The mesh as an Apollo Federation v2 subgraph: its SDL composes with another team's subgraph
// into a supergraph, and `_entities` resolves the representations a router sends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { openBed, type Bed } from './fixture';

const ORDERS_SUBGRAPH = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Order @key(fields: "id") { id: ID! total: Float! customer: Customer! }
type Customer @key(fields: "id", resolvable: false) { id: ID! }
type Query { order(id: ID!): Order }
`;

describe('Federation v2 subgraph', () => {
  let bed: Bed;
  before(async () => {
    bed = await openBed('jit', 5);
  });
  after(() => bed.close());

  it('serves its SDL on _service and composes with a second subgraph', async () => {
    const { data } = await bed.run('{ _service { sdl } }');
    const sdl: string = data._service.sdl;
    assert.match(sdl, /type Customer implements Node @key\(fields: "id"\) @key\(fields: "key"\)/);
    const result = composeServices([
      { name: 'mesh', typeDefs: parse(sdl), url: 'http://mesh/api/graphql' },
      { name: 'orders', typeDefs: parse(ORDERS_SUBGRAPH), url: 'http://orders/graphql' },
    ]);
    assert.equal(result.errors, undefined, result.errors?.map((e) => e.message).join('\n'));
    assert.match(result.supergraphSdl!, /type Order/);
    assert.match(result.supergraphSdl!, /join__type\(graph: MESH, key: "id"\)/);
  });

  it('resolves _entities representations of every kind (by key or global id), null for a missing node, in order', async () => {
    const query =
      'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Customer { id name accounts { key } } ... on Account { key status } } }';
    const reps = [
      { __typename: 'Customer', key: 'c2' },
      { __typename: 'Account', key: 'a1' },
      { __typename: 'Customer', key: 'missing' },
      { __typename: 'Account', id: 'Account:a1' },
    ];
    const { data, errors } = await bed.run(query, { r: reps });
    assert.equal(errors, undefined);
    assert.deepEqual(data._entities, [
      { __typename: 'Customer', id: 'Customer:c2', name: 'Customer 2', accounts: [{ key: 'a2' }, { key: 'a2b' }] },
      { __typename: 'Account', key: 'a1', status: 'active' },
      null,
      { __typename: 'Account', key: 'a1', status: 'active' },
    ]);
  });

  it('answers an error for a representation of a type it does not own', async () => {
    const { data, errors } = await bed.run('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ __typename: 'Order', id: 'o1' }] });
    assert.deepEqual(data._entities, [null]);
    assert.match(errors[0].message, /names no node type of this subgraph/);
  });
});
