// A node with more neighbours than it keeps inline (its relation spills to edge buckets) reads the
// same, complete, on every read path: GraphQL lists and pages, edge-id filters, node(id), the cold
// node, subgraph, lineage and export.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudEvent as ce, ingest, useMeshHost } from '../../helpers/mesh-host';

const N = 200;
const key = (i: number) => `p${String(i).padStart(3, '0')}`;

async function seed(url: string): Promise<void> {
  const events = [ce('org', 'upsert', 'Team/big', 1, { name: 'Big' }), ce('org', 'upsert', 'Team/small', 1, { name: 'Small' })];
  for (let i = 0; i < N; i++) {
    events.push(ce('pm', 'upsert', `Project/${key(i)}`, 1, { name: `Project ${i}` }));
    events.push(ce('pm', 'link', `Team/${i < N - 2 ? 'big' : 'small'}`, 2, { rel: 'projects', to: `Project/${key(i)}` }));
  }
  // One project moves from big to small without an unlink: big still lists it (its cell is on).
  events.push(ce('pm', 'link', `Project/${key(5)}`, 3, { rel: 'team', to: 'Team/small' }));
  const res = await ingest(url, events);
  assert.equal(res.status, 202);
}

describe('a relation past the spill threshold on every read path', () => {
  const suite = useMeshHost({ store: 'memory', withCold: true, seed: (mesh) => seed(mesh.host.url).then(() => mesh.host.runtime.idle()) });
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${suite.mesh.host.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const out = (await res.json()) as { data: any; errors?: unknown };
    assert.equal(out.errors, undefined, JSON.stringify(out.errors));
    return out.data;
  };
  const cold = async (p: string) => {
    const res = await fetch(`${suite.mesh.host.url}/api/${p}`);
    assert.equal(res.status, 200, p);
    return res;
  };
  const expected = Array.from({ length: N - 2 }, (_, i) => key(i));

  it('the node really spilled the relation to edge buckets', async () => {
    const lineage = (await (await cold('nodes/Team/big/lineage')).json()) as { bucketedRelations?: string[]; edges: unknown[] };
    assert.deepEqual(lineage.bucketedRelations, ['projects']);
    assert.equal(lineage.edges.length, N - 2, 'lineage lists the cells of the buckets');
  });

  it('GraphQL lists every neighbour, pages them with a total, and node(id) agrees', async () => {
    const data = await gql('{ team(id: "big") { projects { key } } node(id: "Team:big") { ... on Team { projectsConnection(first: 0) { totalCount } } } }');
    assert.deepEqual(
      data.team.projects.map((p: { key: string }) => p.key),
      expected,
    );
    assert.equal(data.node.projectsConnection.totalCount, N - 2);
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (
        await gql(
          'query($a: String) { team(id: "big") { projectsConnection(first: 64, after: $a) { edges { node { key } } pageInfo { hasNextPage endCursor } } } }',
          { a: after },
        )
      ).team.projectsConnection;
      paged.push(...page.edges.map((e: any) => e.node.key));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    assert.deepEqual(paged, expected);
  });

  it('finds the team by a project id, whatever the degree', async () => {
    const byProject = async (id: string) =>
      (await gql(`{ searchTeams(filter: {projects: {eq: "${id}"}}) { edges { node { key } } } }`)).searchTeams.edges.map((e: any) => e.node.key).sort();
    assert.deepEqual(await byProject(key(7)), ['big']);
    assert.deepEqual(await byProject(key(N - 1)), ['small']);
    assert.deepEqual(await byProject(key(5)), ['big', 'small']);
  });

  it('the cold node, subgraph and export list the same neighbours', async () => {
    const node = (await (await cold('nodes/Team/big')).json()) as { edges: { projects: string[] } };
    assert.deepEqual(
      node.edges.projects,
      expected.map((k) => `Project:${k}`),
    );
    const graph = (await (await cold('nodes/Team/big/subgraph?depth=1&rels=projects')).json()) as { nodes: unknown[]; edges: unknown[] };
    assert.equal(graph.nodes.length, N - 1);
    assert.equal(graph.edges.length, N - 2);
    const lines = (await (await cold('export?type=Team')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.find((l) => l.id === 'Team:big').edges.projects,
      expected.map((k) => `Project:${k}`),
    );
  });
});
