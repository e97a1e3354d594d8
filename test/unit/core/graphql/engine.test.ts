// The GraphQL engine over a real SQLite index, run with both executors: the answers (data and
// errors) must be the same, so the compiled path keeps graphql-js's behaviour.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openBed, type Bed } from './fixture';

const CUSTOMER_WITH_ACCOUNTS =
  'query($id: ID!) { customer(id: $id) { id key name segment city accounts { key status balance } accountSummaries { id status balance } } }';

for (const executor of ['jit', 'standard'] as const) {
  describe(`GraphQL engine (${executor})`, () => {
    let bed: Bed;
    before(async () => {
      bed = await openBed(executor, 60);
    });
    after(() => bed.close());

    it('resolves a customer with its accounts and carried account summaries', async () => {
      const { data, errors } = await bed.run(CUSTOMER_WITH_ACCOUNTS, { id: 'c1' });
      assert.equal(errors, undefined);
      assert.deepEqual(data.customer, {
        id: 'Customer:c1',
        key: 'c1',
        name: 'Ada Lovelace',
        segment: 'business',
        city: 'Lima',
        accounts: [
          { key: 'a1', status: 'active', balance: 1 },
          { key: 'a1b', status: 'suspended', balance: 2 },
        ],
        accountSummaries: [
          { id: 'Account:a1', status: 'active', balance: 1 },
          { id: 'Account:a1b', status: 'suspended', balance: 2 },
        ],
      });
    });

    it('finds a node by key or by global id; null for an unknown key', async () => {
      const { data } = await bed.run(
        '{ a: customer(id: "nope") { id } b: customer(id: "Customer:c2") { key } c: customers(ids: ["c3", "Customer:c4"]) { id } }',
      );
      assert.deepEqual(data, { a: null, b: { key: 'c2' }, c: [{ id: 'Customer:c3' }, { id: 'Customer:c4' }] });
    });

    it('node(id) of an unknown type is an error naming the known types', async () => {
      const { data, errors } = await bed.run('{ node(id: "Planet:p1") { id } }');
      assert.equal(data.node, null);
      assert.equal(errors[0].extensions.code, 'BAD_USER_INPUT');
      assert.match(errors[0].message, /Planet is unknown \(known types: Customer, Account/);
    });

    it('resolves node(id) and nodes(ids) by global id through the Node interface', async () => {
      const { data, errors } = await bed.run(
        '{ node(id: "Account:a2") { __typename id ... on Account { status owner { id } } } nodes(ids: ["Customer:c1", "Account:zz", "Account:a1"]) { id } }',
      );
      assert.equal(errors, undefined);
      assert.deepEqual(data.node, { __typename: 'Account', id: 'Account:a2', status: 'active', owner: { id: 'Customer:c2' } });
      assert.deepEqual(data.nodes, [{ id: 'Customer:c1' }, null, { id: 'Account:a1' }]);
      // Refetching by the id a node answers gives the same node (Global Object Identification).
      const again = await bed.run(`{ node(id: "${data.node.owner.id}") { id } }`);
      assert.deepEqual(again.data.node, { id: 'Customer:c2' });
    });

    it('50 customers with their accounts cost 2 store calls (one search, one batched mget)', async () => {
      bed.calls.length = 0;
      const { data, errors } = await bed.run('{ searchCustomers(first: 50, sort: [{field: id}]) { edges { node { id accounts { key status } } } } }');
      assert.equal(errors, undefined);
      assert.equal(data.searchCustomers.edges.length, 50);
      assert.ok(data.searchCustomers.edges.every((e: any) => e.node.accounts.length === 2));
      assert.deepEqual(bed.calls, ['search:Customer', 'mget:Account']);
    });

    it('customers(ids) batches into one mget and keeps the order, null for missing', async () => {
      bed.calls.length = 0;
      const { data } = await bed.run('{ customers(ids: ["c3", "missing", "c2"]) { id } }');
      assert.deepEqual(data.customers, [{ id: 'Customer:c3' }, null, { id: 'Customer:c2' }]);
      assert.deepEqual(bed.calls, ['mget:Customer']);
    });

    it('searches with text, filters on own and carried neighbour fields, sorts, pages and counts facets', async () => {
      const query = `query($after: String) { searchCustomers(query: "customer", first: 3, after: $after, sort: [{field: id, direction: DESC}],
        filter: {city: {in: ["Oslo", "Lima"]}, accountSummaries: {balance: {gte: 30}}}) {
        totalCount edges { node { key city } } pageInfo { hasNextPage endCursor } facets { field buckets { value count } } } }`;
      const first = await bed.run(query);
      assert.equal(first.errors, undefined);
      const page = first.data.searchCustomers;
      // Customers 29..60 have a balance >= 30 (account b of c29 has 30); Oslo is i%4==0, Lima i%4==1.
      const expected = Array.from({ length: 60 }, (_, k) => k + 1).filter((i) => i >= 29 && (i % 4 === 0 || i % 4 === 1));
      assert.equal(page.totalCount, expected.length);
      const ids = page.edges.map((e: any) => e.node.key);
      assert.equal(ids.length, 3);
      assert.ok(page.pageInfo.hasNextPage);
      const cityFacet = page.facets.find((f: any) => f.field === 'city');
      assert.deepEqual(new Set(cityFacet.buckets.map((b: any) => b.value)), new Set(['Oslo', 'Lima']));
      const second = await bed.run(query, { after: page.pageInfo.endCursor });
      const next = second.data.searchCustomers.edges.map((e: any) => e.node.key);
      assert.equal(next.filter((id: string) => ids.includes(id)).length, 0, 'pages do not overlap');
      assert.ok([...ids, ...next].every((id: string) => expected.includes(Number(id.slice(1)))));
    });

    it('sorts by a carried neighbour field (a path that reaches one node)', async () => {
      await bed.store.bulk(
        ['Gold', 'Basic', 'Max'].map((plan, i) => ({
          id: `Line:l${i}`,
          type: 'Line',
          version: 1,
          body: { id: `l${i}`, status: 'active', plan: `p${i}`, planInfo: { id: `p${i}`, name: plan } },
        })),
      );
      const { data, errors } = await bed.run('{ searchLines(sort: [{field: planInfo_name, direction: DESC}]) { edges { node { id planInfo { name } } } } }');
      assert.equal(errors, undefined);
      assert.deepEqual(
        data.searchLines.edges.map((e: any) => e.node.planInfo.name),
        ['Max', 'Gold', 'Basic'],
      );
    });

    it('takes a recursive filter input (and/or/not) as a variable', { timeout: 20_000 }, async () => {
      // graphql-jit 0.8 recursed forever compiling the coercion of such a variable (its issue #81).
      const query = 'query($f: CustomerFilter) { searchCustomers(filter: $f, first: 100) { totalCount } }';
      const { data, errors } = await bed.run(query, {
        f: { or: [{ city: { eq: 'Oslo' } }, { and: [{ city: { eq: 'Lima' } }, { not: { segment: { eq: 'vip' } } }] }] },
      });
      assert.equal(errors, undefined);
      // Oslo: i % 4 == 0 (15 of 60); Lima and not vip: i % 4 == 1 and i % 3 != 2 (10 of 15).
      assert.equal(data.searchCustomers.totalCount, 15 + 10);
    });

    it('masks personal data without the role and shows it with the role', async () => {
      const anonymous = await bed.run('{ customer(id: "c1") { name email } }');
      assert.deepEqual(anonymous.data.customer, { name: 'Ada Lovelace', email: null });
      assert.equal(anonymous.errors[0].extensions.code, 'FORBIDDEN_FIELD');
      assert.deepEqual(anonymous.errors[0].path, ['customer', 'email']);
      const allowed = await bed.run('{ customer(id: "c1") { email } }', undefined, ['pii.read']);
      assert.deepEqual(allowed, { data: { customer: { email: 'c1@example.com' } } });
    });

    it('refuses filtering and sorting on personal data without the role', async () => {
      const filtered = await bed.run('{ searchCustomers(filter: {email: {eq: "c1@example.com"}}) { totalCount } }');
      assert.equal(filtered.data, null);
      assert.equal(filtered.errors[0].extensions.code, 'FORBIDDEN_FIELD');
      assert.match(filtered.errors[0].message, /filtering on Customer\.email/);
      const withRole = await bed.run('{ searchCustomers(filter: {email: {eq: "c1@example.com"}}) { totalCount } }', undefined, ['pii.read']);
      assert.equal(withRole.data.searchCustomers.totalCount, 1);
    });

    it('refuses a page over maxFirst with the limit named', async () => {
      const { errors } = await bed.run('{ searchCustomers(first: 1000) { totalCount } }');
      assert.equal(errors[0].extensions.code, 'QUERY_LIMIT');
      assert.equal(errors[0].extensions.limit, 'maxFirst');
      assert.match(errors[0].message, /over the limit of 100 \(maxFirst\)/);
      const small = await bed.run('query($n: Int) { searchCustomers(first: $n) { totalCount } }', { n: -1 });
      assert.equal(small.errors[0].extensions.code, 'BAD_USER_INPUT');
    });

    it('reports a bad cursor as a user error, not an internal one', async () => {
      const { errors } = await bed.run('{ searchCustomers(after: "not-a-cursor") { totalCount } }');
      assert.ok(errors?.length);
      assert.notEqual(errors[0].extensions?.code, 'INTERNAL_SERVER_ERROR');
    });

    it('gives graphql-js errors for unknown operations and bad variables', async () => {
      const twoOps = 'query A { __typename } query B { __typename }';
      assert.equal((await bed.run(twoOps)).errors[0].message, 'Must provide operation name if query contains multiple operations.');
      assert.equal((await bed.run(twoOps, undefined, [], 'C')).errors[0].message, 'Unknown operation named "C".');
      assert.deepEqual((await bed.run(twoOps, undefined, [], 'B')).data, { __typename: 'Query' });
      const bad = await bed.run(CUSTOMER_WITH_ACCOUNTS, { id: { not: 'an id' } });
      assert.equal(bad.data, undefined);
      assert.match(bad.errors[0].message, /Variable "\$id" got invalid value/);
    });
  });
}

describe('GraphQL engine: both executors give the same answers', () => {
  const queries: Array<[string, Record<string, unknown>?]> = [
    [CUSTOMER_WITH_ACCOUNTS, { id: 'c7' }],
    ['{ customer(id: "c1") { name email phone } }'],
    [
      '{ searchCustomers(query: "customer", first: 5, sort: [{field: name}]) { totalCount edges { cursor node { id name accounts { id } } } facets { field buckets { value count } } } }',
    ],
    ['{ searchAccounts(filter: {status: {eq: active}, balance: {lt: 5}}) { totalCount edges { node { id owner { id segment } } } } }'],
    ['{ customers(ids: ["c1", "zz"]) { id } searchLines { totalCount } }'],
    ['{ node(id: "Customer:c2") { id ... on Customer { accountSummaries { status } } } }'],
    ['{ node(id: "Planet:c2") { id } nodes(ids: ["Customer:c1", "x"]) { id } }'],
    ['{ _entities(representations: [{__typename: "Customer", key: "c1"}, {__typename: "Nope"}]) { ... on Customer { id } } }'],
    ['{ account(id: "a1") { owner { accountsConnection(first: 1) { totalCount edges { node { key } } pageInfo { hasNextPage } } } } }'],
    ['{ searchCustomers(filter: {phone: {eq: "x"}}) { totalCount } }'],
  ];
  it('finds the recursive input types (the filters with and/or/not)', async () => {
    const { recursiveInputTypes } = await import('../../../../core/graphql/engine');
    const { buildMeshSchema } = await import('../../../../core/graphql/schema');
    const { model } = await import('./fixture');
    const recursive = recursiveInputTypes(buildMeshSchema(model).schema);
    assert.ok(recursive.has('CustomerFilter'));
    assert.ok(!recursive.has('CustomerSort') && !recursive.has('IDFilter'));
  });

  it('jit and standard agree on data and errors', async () => {
    const jit = await openBed('jit', 20);
    const standard = await openBed('standard', 20);
    try {
      for (const [query, variables] of queries) assert.deepEqual(await jit.run(query, variables), await standard.run(query, variables), query);
    } finally {
      await jit.close();
      await standard.close();
    }
  });
});
