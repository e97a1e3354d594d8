// The demo's example queries are made from the product's model: valid GraphQL for any product's
// schema, starting from the scenario's root type.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, validate } from 'graphql';
import { compileDataProduct } from '../../../core/contracts';
import { buildMeshSchema } from '../../../core/graphql/schema';
import { demoRootType, exampleQueries, firstRootQuery } from '../../../cli/demo-queries';
import telecom from '../../../contracts/telecom';
import transit from '../../../contracts/transit';
import { graphProduct } from '../../fixtures/graph-product';

const products = [
  { name: 'telecom', model: compileDataProduct(telecom, 'contracts/telecom').model, rootType: telecom.demo?.rootType },
  { name: 'transit', model: compileDataProduct(transit, 'contracts/transit').model, rootType: transit.demo?.rootType },
  { name: 'graph fixture (no demo)', model: graphProduct.model, rootType: undefined },
];

describe('demo example queries', () => {
  for (const { name, model, rootType } of products) {
    it(`are valid against the ${name} schema`, () => {
      const { schema } = buildMeshSchema(model);
      const root = demoRootType(model, rootType);
      const examples = exampleQueries(root, `${root.name}:k1`, 'word');
      const noWord = exampleQueries(root, `${root.name}:k1`, undefined);
      for (const query of [firstRootQuery(root).query, examples.node, examples.search, noWord.search]) {
        assert.deepEqual(
          validate(schema, parse(query)).map((e) => e.message),
          [],
          query,
        );
      }
      assert.equal(examples.subgraphPath, `/api/nodes/${root.name}/k1/subgraph?depth=2&format=svg`);
    });
  }

  it("start from the scenario's root type, else the type with the most relations", () => {
    assert.equal(demoRootType(products[0]!.model, 'Customer').name, 'Customer');
    assert.equal(demoRootType(products[1]!.model, 'Agency').name, 'Agency');
    const most = Object.values(graphProduct.model.types).reduce((a, b) => (Object.keys(b.edges).length > Object.keys(a.edges).length ? b : a));
    assert.equal(demoRootType(graphProduct.model).name, most.name);
    assert.equal(demoRootType(graphProduct.model, 'NoSuchType').name, most.name);
  });

  it('leave personal data out of the fields they show', () => {
    const customer = products[0]!.model.types['Customer']!;
    const shown = exampleQueries(customer, 'Customer:C1', undefined).node;
    for (const f of Object.values(customer.fields).filter((x) => x.pii)) assert.doesNotMatch(shown, new RegExp(`\\b${f.name}\\b`));
  });
});
