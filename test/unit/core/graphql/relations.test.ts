// Relations in GraphQL whatever their degree: a 'many' end past the spill threshold keeps its ids
// in edge buckets, not in its document, and is read from the other end's documents; the plain list
// is bounded, the paged form (`linesConnection`) is not; filters on its ids and facets agree.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openBed, type Bed } from './fixture';
import type { ProjectionDoc } from '../../../../core/projection/port';

const line = (i: number, plan: string, extra: Record<string, unknown> = {}): ProjectionDoc => ({
  id: `Line:l${String(i).padStart(4, '0')}`,
  type: 'Line',
  version: 1,
  body: { id: `l${String(i).padStart(4, '0')}`, status: 'active', plan, planInfo: { id: plan, name: plan === 'big' ? 'Big Plan' : 'Small Plan' }, ...extra },
});

describe('GraphQL relations past the spill threshold', () => {
  let bed: Bed;
  before(async () => {
    bed = await openBed('jit', 2);
    const docs: ProjectionDoc[] = [
      // The spilled Plan lists no line ids; its 873 lines name it. A line that moved to `small`
      // without being unlinked from `big` still names `big` in mesh_links (big's cell is on).
      { id: 'Plan:big', type: 'Plan', version: 1, body: { id: 'big', name: 'Big Plan', mesh_spilled: ['lines'] } },
      { id: 'Plan:small', type: 'Plan', version: 1, body: { id: 'small', name: 'Small Plan', lines: ['l9000', 'l9001'] } },
      { id: 'Plan:huge', type: 'Plan', version: 1, body: { id: 'huge', name: 'Huge Plan', mesh_spilled: ['lines'] } },
      ...Array.from({ length: 872 }, (_, i) => line(i, 'big')),
      line(9000, 'small', { mesh_links: { plan: ['big'] } }),
      line(9001, 'small'),
      ...Array.from({ length: 1001 }, (_, i) => line(5000 + i, 'huge')),
    ];
    await bed.store.bulk(docs);
  });
  after(() => bed.close());

  it("lists every line of a spilled plan, ordered by key, from the lines' documents", async () => {
    const { data, errors } = await bed.run('{ plan(id: "big") { lines { key } } }');
    assert.equal(errors, undefined);
    const keys = data.plan.lines.map((l: any) => l.key);
    assert.equal(keys.length, 873);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(keys.includes('l9000'), 'a line whose newest plan is another still counts (its cell here is on)');
  });

  it('refuses a plain list over the bound, naming the paged field', async () => {
    const { data, errors } = await bed.run('{ plan(id: "huge") { name lines { key } } }');
    assert.equal(data.plan, null);
    assert.equal(errors[0].extensions.code, 'LIST_TOO_LARGE');
    assert.match(errors[0].message, /more than 1000 lines; page them with linesConnection/);
  });

  it('pages a relation with totalCount, for spilled and inline ends alike', async () => {
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { data, errors }: any = await bed.run(
        'query($a: String) { plan(id: "huge") { linesConnection(first: 100, after: $a) { totalCount edges { node { key } } pageInfo { hasNextPage endCursor } } } }',
        { a: after },
      );
      assert.equal(errors, undefined);
      const c = data.plan.linesConnection;
      assert.equal(c.totalCount, 1001);
      all.push(...c.edges.map((e: any) => e.node.key));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    assert.equal(all.length, 1001);
    assert.equal(new Set(all).size, 1001);
    const small = await bed.run('{ plan(id: "small") { lines { key } linesConnection { totalCount edges { node { key } } } } }');
    assert.deepEqual(
      small.data.plan.lines.map((l: any) => l.key),
      ['l9000', 'l9001'],
    );
    assert.equal(small.data.plan.linesConnection.totalCount, 2);
  });

  it('filters and counts facets inside a relation', async () => {
    const { data, errors } = await bed.run(
      '{ plan(id: "big") { linesConnection(filter: {key: {in: ["l0001", "l0002", "l9000"]}}) { totalCount facets(fields: [plan]) { field buckets { value count } } } } }'.replace(
        'key: {in',
        'id: {in',
      ),
    );
    assert.equal(errors, undefined);
    assert.equal(data.plan.linesConnection.totalCount, 3);
    assert.deepEqual(data.plan.linesConnection.facets, [
      {
        field: 'plan',
        buckets: [
          { value: 'big', count: 2 },
          { value: 'small', count: 1 },
        ],
      },
    ]);
  });

  it('finds a spilled plan by the id of one of its lines, as an inline plan', async () => {
    const byLine = async (id: string) =>
      (await bed.run(`{ searchPlans(filter: {lines: {eq: "${id}"}}) { edges { node { key } } } }`)).data.searchPlans.edges.map((e: any) => e.node.key).sort();
    assert.deepEqual(await byLine('l0005'), ['big']);
    assert.deepEqual(await byLine('Line:l5000'), ['huge']);
    assert.deepEqual(await byLine('l9000'), ['big', 'small']);
    const exists = await bed.run(
      '{ searchPlans(filter: {lines: {exists: true}}) { totalCount } none: searchPlans(filter: {lines: {exists: false}}) { totalCount } }',
    );
    assert.equal(exists.data.searchPlans.totalCount, 3);
    assert.equal(exists.data.none.totalCount, 0);
  });

  it('counts lines per plan by its id and by its carried name', async () => {
    const { data, errors } = await bed.run(
      '{ searchLines(filter: {plan: {in: ["big", "small"]}}) { facets(fields: [plan, planInfo_name]) { field buckets { value count } } } }',
    );
    assert.equal(errors, undefined);
    assert.deepEqual(data.searchLines.facets, [
      {
        field: 'plan',
        buckets: [
          { value: 'big', count: 872 },
          { value: 'small', count: 2 },
        ],
      },
      {
        field: 'planInfo.name',
        buckets: [
          { value: 'Big Plan', count: 872 },
          { value: 'Small Plan', count: 2 },
        ],
      },
    ]);
    const every = await bed.run('{ searchLines(first: 0) { facets { field } } }');
    assert.deepEqual(
      every.data.searchLines.facets.map((f: any) => f.field),
      ['status', 'plan', 'planInfo.name'],
    );
  });
});

describe('a carried path through a relation past the spill threshold', () => {
  let bed: Bed;
  before(async () => {
    bed = await openBed('jit', 1);
    await bed.store.bulk([{ id: 'Customer:big', type: 'Customer', version: 1, body: { id: 'big', name: 'Big Co', mesh_spilled: ['accounts'] } }]);
  });
  after(() => bed.close());

  it('answers an error naming the relation to read instead, not an empty list', async () => {
    const { data, errors } = await bed.run('{ customer(id: "big") { name accountSummaries { id } } }');
    assert.equal(data.customer, null);
    assert.equal(errors[0].extensions.code, 'CARRIED_PATH_TOO_WIDE');
    assert.match(errors[0].message, /carried through accounts, .* read accounts \(or accountsConnection\) instead/);
  });
});
