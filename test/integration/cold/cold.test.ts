// The cold app's endpoints through the local host, reading the hot app's node entities.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloudEvent as ce, ingest, useMeshHost } from '../../helpers/mesh-host';
import { principalHeader } from '../../../core/auth/principal';

/** A small graph: two people in a team, working on a project for a client. */
async function seed(url: string): Promise<void> {
  await ingest(url, [
    ce('hr', 'upsert', 'Person/ada', 1, { name: 'Ada', level: 3, email: 'ada@example.org' }, 'ev-ada-1'),
    ce('hr', 'upsert', 'Person/ada', 2, { level: 4 }, 'ev-ada-2'),
    ce('hr', 'upsert', 'Person/bob', 1, { name: 'Bob' }),
    ce('org', 'upsert', 'Team/core', 1, { name: 'Core' }),
    ce('pm', 'upsert', 'Project/apollo', 1, { name: 'Apollo' }),
    ce('sales', 'upsert', 'Client/acme', 1, { name: 'Acme' }),
    ce('org', 'link', 'Person/ada', 3, { rel: 'teams', to: 'Team/core' }),
    ce('org', 'link', 'Person/bob', 3, { rel: 'teams', to: 'Team/core' }),
    ce('pm', 'link', 'Team/core', 2, { rel: 'projects', to: 'Project/apollo' }),
    ce('pm', 'link', 'Project/apollo', 3, { rel: 'client', to: 'Client/acme' }),
    // Apollo moves to Initech; the source never unlinks Acme (a row re-sent with a new key).
    ce('sales', 'upsert', 'Client/initech', 1, { name: 'Initech' }),
    ce('pm', 'link', 'Project/apollo', 4, { rel: 'client', to: 'Client/initech' }),
  ]);
}

describe('cold endpoints', () => {
  const suite = useMeshHost({ withCold: true, seed: (mesh) => seed(mesh.host.url).then(() => mesh.host.runtime.idle()) });
  const get = (p: string, headers: Record<string, string> = {}) => fetch(`${suite.mesh.host.url}/api/${p}`, { headers });
  const body = async (p: string, headers: Record<string, string> = {}) => {
    const res = await get(p, headers);
    assert.equal(res.status, 200, `${p}: ${res.status}`);
    return res.json() as Promise<any>;
  };

  it('returns a node with its relations, personal data masked unless the caller has the role', async () => {
    const anonymous = await body('nodes/Person/ada');
    assert.deepEqual(anonymous.fields, { name: 'Ada', level: 4 });
    assert.deepEqual(anonymous.masked, ['email']);
    assert.deepEqual(anonymous.edges, { teams: ['Team:core'] });
    assert.deepEqual(
      (await body('nodes/Project/apollo')).edges,
      { team: 'Team:core', client: 'Client:initech' },
      "a 'one' end shows its newest link, as GraphQL does",
    );
    const reader = await body('nodes/Person/ada', { 'x-ms-client-principal': principalHeader(['pii.read']) });
    assert.equal(reader.fields.email, 'ada@example.org');
    assert.equal(reader.masked, undefined);
  });

  it('gives the provenance of every current value (lineage)', async () => {
    const lineage = await body('nodes/Person/ada/lineage');
    assert.deepEqual(
      {
        source: lineage.fields.level.source,
        eventId: lineage.fields.level.eventId,
        sequence: lineage.fields.level.sequence,
        value: lineage.fields.level.value,
      },
      { source: 'hr', eventId: 'ev-ada-2', sequence: '2', value: 4 },
    );
    assert.equal(lineage.fields.name.eventId, 'ev-ada-1');
    assert.ok(!('value' in lineage.fields.email), 'masked in lineage too: no value');
    assert.deepEqual(lineage.masked, ['email'], 'the same marker as the node view');
    assert.deepEqual(
      lineage.edges.map((e: { rel: string; to: string; linked: boolean }) => [e.rel, e.to, e.linked]),
      [['teams', 'Team:core', true]],
    );
    const apollo = await body('nodes/Project/apollo/lineage');
    assert.deepEqual(
      apollo.edges.filter((e: { rel: string }) => e.rel === 'client').map((e: any) => [e.to, e.linked, e.supersededBy ?? null]),
      [
        ['Client:acme', false, 'Client:initech'],
        ['Client:initech', true, null],
      ],
    );
  });

  it('marks masked values in history as in the node view', async () => {
    const history = await body('nodes/Person/ada/history');
    const email = history.entries.find((e: { field?: string }) => e.field === 'email');
    assert.equal(email.masked, true);
    assert.ok(!('value' in email));
    assert.deepEqual(history.masked, ['email']);
    const reader = await body('nodes/Person/ada/history', { 'x-ms-client-principal': principalHeader(['pii.read']) });
    assert.equal(reader.entries.find((e: { field?: string }) => e.field === 'email').value, 'ada@example.org');
    assert.equal(reader.masked, undefined);
  });

  it("shows a 'one' end's newest link only, in the subgraph and its SVG, as GraphQL does", async () => {
    const graph = await body('nodes/Project/apollo/subgraph?depth=1');
    assert.deepEqual(
      graph.edges.filter((e: { rel: string }) => e.rel === 'client').map((e: { to: string }) => e.to),
      ['Client:initech'],
    );
    assert.deepEqual(graph.nodes.map((n: { id: string }) => n.id).sort(), ['Client:initech', 'Project:apollo', 'Team:core']);
    const gql = await fetch(`${suite.mesh.host.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ project(id: "apollo") { client { id } } }' }),
    });
    assert.deepEqual(((await gql.json()) as any).data.project.client, { id: 'Client:initech' });
    const svg = await (await get('nodes/Project/apollo/subgraph?depth=1&format=svg')).text();
    assert.ok(!svg.includes('>Acme<'), 'the replaced client is not drawn');
  });

  it('lists history newest first, filtered by time', async () => {
    const history = await body('nodes/Person/ada/history');
    const levels = history.entries.filter((e: { field?: string }) => e.field === 'level').map((e: { value: number; eventId: string }) => [e.value, e.eventId]);
    assert.deepEqual(levels, [
      [4, 'ev-ada-2'],
      [3, 'ev-ada-1'],
    ]);
    const none = await body(`nodes/Person/ada/history?to=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
    assert.deepEqual(none.entries, []);
  });

  it('walks the subgraph within a depth, along chosen relations, within a budget', async () => {
    const one = await body('nodes/Person/ada/subgraph?depth=1');
    assert.deepEqual(one.nodes.map((n: { id: string }) => n.id).sort(), ['Person:ada', 'Team:core']);
    const three = await body('nodes/Person/ada/subgraph?depth=3');
    assert.deepEqual(three.nodes.map((n: { id: string }) => n.id).sort(), ['Client:initech', 'Person:ada', 'Person:bob', 'Project:apollo', 'Team:core']);
    assert.equal(three.edges.length, 4, 'each edge once, not once per end');
    const teamsOnly = await body('nodes/Person/ada/subgraph?depth=3&rels=teams,members');
    assert.deepEqual(teamsOnly.nodes.map((n: { id: string }) => n.id).sort(), ['Person:ada', 'Person:bob', 'Team:core']);
    const over = await get('nodes/Person/ada/subgraph?depth=3&budget=2');
    assert.equal(over.status, 413);
    assert.match(((await over.json()) as { detail: string }).detail, /more than 2 nodes \(the node budget\)/);
  });

  it('answers asOf with the node and subgraph as they were then', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const gone = await get(`nodes/Person/ada?asOf=${encodeURIComponent(before)}`);
    assert.equal(gone.status, 404, 'the node did not exist a minute ago');
    const now = new Date().toISOString();
    assert.deepEqual((await body(`nodes/Person/ada?asOf=${encodeURIComponent(now)}`)).fields, { name: 'Ada', level: 4 });
    const graph = await body(`nodes/Person/ada/subgraph?depth=1&asOf=${encodeURIComponent(now)}`);
    assert.deepEqual(graph.nodes.map((n: { id: string }) => n.id).sort(), ['Person:ada', 'Team:core']);
  });

  it('draws the subgraph as SVG on request (format=svg or Accept: image/svg+xml)', async () => {
    for (const res of [
      await get('nodes/Person/ada/subgraph?depth=3&format=svg'),
      await get('nodes/Person/ada/subgraph?depth=3', { accept: 'image/svg+xml' }),
    ]) {
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
      const svg = await res.text();
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.equal(svg.match(/<circle /g)?.length, 5, 'one circle per node');
      assert.equal(svg.match(/<line /g)?.length, 4, 'one line per edge');
      for (const label of ['Ada', 'Initech', 'teams', 'client']) assert.ok(svg.includes(`>${label}<`), label);
    }
    assert.equal((await get('nodes/Person/ada/subgraph?format=xml')).status, 400);
  });

  it('exports every node of a type as NDJSON', async () => {
    const res = await get('export?type=Person');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id).sort(), ['Person:ada', 'Person:bob']);
    assert.ok(lines.every((l) => !('email' in l.fields)));
    assert.ok(
      lines.every((l) => l.edges.teams[0] === 'Team:core'),
      'with their relations',
    );
  });

  it('reindexes from the actors while writes and queries go on, then serves from the new index (role mesh.admin)', async () => {
    const post = (p: string, roles?: string[]) =>
      fetch(`${suite.mesh.host.url}/api/${p}`, { method: 'POST', headers: roles ? { 'x-ms-client-principal': principalHeader(roles) } : {} });
    assert.equal((await post('admin/reindex')).status, 401);
    assert.equal((await post('admin/reindex', ['pii.read'])).status, 403);

    let queries = 0;
    let failures = 0;
    let done = false;
    const reading = (async () => {
      while (!done) {
        queries++;
        await suite.mesh.index.search('Person', { first: 10 }).catch(() => failures++);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const reindex = post('admin/reindex?type=Person', ['mesh.admin']);
    await ingest(suite.mesh.host.url, [ce('hr', 'upsert', 'Person/bob', 7, { name: 'Robert' })]);
    const res = await reindex;
    await suite.mesh.host.runtime.idle();
    done = true;
    await reading;
    assert.equal(res.status, 200);
    const [result] = ((await res.json()) as { reindexed: Array<{ type: string; index: string; documents: number }> }).reindexed;
    assert.equal(result?.type, 'Person');
    assert.ok(result!.documents >= 2);
    assert.notEqual(result!.index, 'Person_v1');
    assert.equal(failures, 0, `${failures} of ${queries} queries failed during the reindex`);
    assert.equal((await suite.mesh.index.get('Person', 'Person:bob'))?.body.name, 'Robert', 'a write during the reindex is in the new index');
    assert.equal((await suite.mesh.index.get('Person', 'Person:ada'))?.body.level, 4);
  });

  it('answers bad requests with 4xx problem+json naming what is wrong', async () => {
    const cases: Array<[string, number, RegExp, Record<string, string>?]> = [
      ['nodes/Robot/r1', 404, /known types: Person, Team, Project, Client/],
      ['nodes/Person/nobody', 404, /no Person with id "nobody"/],
      ['nodes/Person/ada/subgraph?depth=9', 400, /depth must be an integer from 0 to 5/],
      ['nodes/Person/ada/subgraph?rels=friends', 400, /unknown relation\(s\) friends/],
      ['nodes/Person/ada/history?from=yesterday', 400, /ISO 8601/],
      ['nodes/Person/ada?asOf=last-week', 400, /asOf must be an ISO 8601 time/],
      ['export', 404, /known types/],
      ['export?type=Robot', 404, /no node type "Robot"; known types: Person, Team, Project, Client/],
      ['nodes/Robot/r1/subgraph', 404, /known types: Person/],
      ['nodes/Robot/r1/history', 404, /known types: Person/],
      ['nodes/Robot/r1/lineage', 404, /known types: Person/],
      ['nodes/Person/nobody/lineage', 404, /no Person with id "nobody"/],
      ['nodes/Person/nobody/history', 404, /no Person with id "nobody"/],
      ['nodes/Person/nobody/subgraph', 404, /no Person with id "nobody"/],
      ['nodes/Person/a%01b', 400, /node id must be 1-256 characters without control characters/],
      [`nodes/Person/${'x'.repeat(257)}/subgraph`, 400, /node id must be 1-256 characters/],
      ['nodes/Person/ada/subgraph?depth=two', 400, /depth must be an integer/],
      ['nodes/Person/ada/subgraph?budget=0', 400, /budget must be an integer from 1 to 10000/],
      ['nodes/Person/ada/subgraph?asOf=soon', 400, /asOf must be an ISO 8601 time/],
      ['nodes/Person/ada/history?to=later', 400, /to must be an ISO 8601 time/],
      ['nodes/Person/ada', 400, /x-ms-client-principal/, { 'x-ms-client-principal': '!!notbase64json' }],
    ];
    for (const [p, status, detail, headers] of cases) {
      const res = await get(p, headers);
      assert.equal(res.status, status, p);
      assert.equal(res.headers.get('content-type'), 'application/problem+json', p);
      assert.match(((await res.json()) as { detail: string }).detail, detail, p);
    }
  });
});
