// The whole path on the second sample data product (contracts/transit), structurally unlike the
// telecom one: keys not named id, a name carried two hops, many-to-many stops, relations past the
// spill threshold, personal data of another role. The contract is built and checked, and the
// feed generated and sent, with the meshgraph command as users run it; GraphQL and cold
// endpoints answer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { principalHeader } from '../../../core/auth/principal';
import { ingest, useMeshHost } from '../../helpers/mesh-host';
import { CHECKOUT_BIN, runBin } from '../../helpers/cli';

const ROOT = path.join(__dirname, '../../..');
const OPS = principalHeader(['ops.pii']);
/** The order a feed is loaded in: what others point at first. */
const FILES: Array<[string, string]> = [
  ['agency', 'gtfs'],
  ['stop', 'gtfs'],
  ['route', 'gtfs'],
  ['trip', 'gtfs'],
  ['stop_time', 'gtfs'],
  ['driver', 'roster'],
  ['duty', 'roster'],
];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-transit-'));
const env = () => ({ ...process.env, MESH_CONTRACTS: 'contracts/transit' });
const meshgraph = async (...args: string[]) => {
  const run = await runBin(CHECKOUT_BIN, args, { cwd: ROOT, env: env(), timeoutMs: 120_000 });
  return run;
};

/** The feed: generated as CSV files, then each sent with `meshgraph ingest`. */
async function loadFeed(url: string): Promise<void> {
  const feed = path.join(work, 'feed');
  const generated = await meshgraph('demo', 'generate', '--customers', '2', '--seed', '7', '--format', 'csv', '--out', feed);
  assert.equal(generated.status, 0, generated.stderr);
  for (const [name, source] of FILES) {
    const sent = await meshgraph('ingest', path.join(feed, `${name}.csv`), '--source', source, '--url', url);
    assert.equal(sent.status, 0, `${name}: ${sent.stdout}\n${sent.stderr}`);
    assert.match(sent.stdout, /rejected\s*0|0 rejected/, sent.stdout);
  }
}

describe('the transit data product, end to end', () => {
  after(() => fs.rmSync(work, { recursive: true, force: true }));
  const suite = useMeshHost({
    contracts: 'contracts/transit',
    store: 'memory',
    withCold: true,
    seed: (mesh) => loadFeed(mesh.host.url).then(() => mesh.host.runtime.idle()),
  });

  it('builds its contract, and the check names a breaking change of it', async () => {
    const base = path.join(work, 'base');
    const built = await meshgraph('contracts', 'build', '--out', base);
    assert.equal(built.status, 0, built.stderr);
    assert.match(fs.readFileSync(path.join(base, 'schema.graphql'), 'utf8'), /type Trip implements Node @key\(fields: "id"\) @key\(fields: "tripId"\)/);
    const same = await meshgraph('contracts', 'check', '--base', base);
    assert.equal(same.status, 0, same.stdout + same.stderr);
    // The same product without Stop.wheelchair: a field clients may query is gone.
    const changed = path.join(work, 'changed.ts');
    fs.writeFileSync(
      changed,
      `import transit from ${JSON.stringify(path.join(ROOT, 'contracts/transit'))};
import { Stop } from ${JSON.stringify(path.join(ROOT, 'contracts/transit/types'))};
const { wheelchair: _dropped, ...fields } = Stop.fields;
export default { ...transit, types: transit.types.map((t) => (t === Stop ? { ...Stop, fields } : t)) };
`,
    );
    const check = await meshgraph('contracts', 'check', '--base', base, '--contracts', changed);
    assert.equal(check.status, 1, check.stdout + check.stderr);
    assert.match(check.stdout + check.stderr, /Stop\.wheelchair/);
  });
  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${suite.mesh.host.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data: any; errors?: any[] };
  };
  const cold = async (p: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${suite.mesh.host.url}/api/${p}`, { headers });
    assert.equal(res.status, 200, `${p}: ${res.status}`);
    return res;
  };

  it('answers a busy route with every trip, paged, and each trip with its operator two hops away', async () => {
    const { data, errors } = await gql(
      '{ route(id: "A0000-R00") { id routeId operatorInfo { name } trips { tripId operator { id name } } tripsConnection(first: 5) { totalCount } } }',
    );
    assert.equal(errors, undefined, JSON.stringify(errors));
    assert.equal(data.route.id, 'Route:A0000-R00');
    assert.equal(data.route.routeId, 'A0000-R00');
    assert.ok(data.route.trips.length > 128, `past the spill threshold (${data.route.trips.length} trips), every trip is listed`);
    assert.equal(data.route.tripsConnection.totalCount, data.route.trips.length);
    assert.ok(data.route.trips.every((t: any) => t.operator.name === data.route.operatorInfo.name && t.operator.id === 'Agency:A0000'));
  });

  it("lists a busy stop's trips (many-to-many, past the threshold) and finds it by a trip", async () => {
    const stops = (await gql('{ searchStops(first: 100) { edges { node { stopId tripsConnection(first: 0) { totalCount } } } } }')).data.searchStops.edges.map(
      (e: any) => e.node,
    );
    const busy = stops.sort((a: any, b: any) => b.tripsConnection.totalCount - a.tripsConnection.totalCount)[0];
    assert.ok(busy.tripsConnection.totalCount > 128, `the busiest stop has ${busy.tripsConnection.totalCount} trips`);
    const { data } = await gql(`{ stop(id: "${busy.stopId}") { trips { tripId } } }`);
    assert.equal(data.stop.trips.length, busy.tripsConnection.totalCount);
    const trip = data.stop.trips[0].tripId;
    const found = (await gql(`{ searchStops(filter: {trips: {eq: "${trip}"}}, first: 50) { edges { node { stopId } } } }`)).data.searchStops.edges.map(
      (e: any) => e.node.stopId,
    );
    assert.ok(found.includes(busy.stopId));
  });

  it('counts trips per operator (a carried facet) and per route (a relation facet)', async () => {
    const { data, errors } = await gql('{ searchTrips(first: 0) { totalCount facets(fields: [route, operator_name]) { field buckets { value count } } } }');
    assert.equal(errors, undefined, JSON.stringify(errors));
    const [route, operator] = data.searchTrips.facets;
    assert.equal(route.field, 'route');
    assert.equal(route.buckets[0].value, 'A0000-R00');
    assert.ok(route.buckets[0].count > 128);
    assert.equal(operator.field, 'operator.name');
    assert.equal(
      operator.buckets.reduce((n: number, b: any) => n + b.count, 0),
      data.searchTrips.totalCount,
    );
  });

  it("masks drivers' personal data for callers without ops.pii, in GraphQL and the cold app", async () => {
    const anonymous = await gql('{ searchDrivers(first: 1) { edges { node { badge name depot } } } }');
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'FORBIDDEN_FIELD');
    const badge = anonymous.data.searchDrivers.edges[0].node.badge;
    const ops = await gql(`{ driver(id: "${badge}") { name } }`, undefined, { 'x-ms-client-principal': OPS });
    assert.equal(typeof ops.data.driver.name, 'string');
    const node = (await (await cold(`nodes/Driver/${badge}`)).json()) as any;
    assert.deepEqual(node.masked, ['name', 'phone']);
  });

  it("serves the busy route's neighbourhood from the cold app, complete and as GraphQL lists it", async () => {
    const listed = (await gql('{ route(id: "A0000-R00") { trips { id } } }')).data.route.trips.map((t: any) => t.id);
    const node = (await (await cold('nodes/Route/A0000-R00')).json()) as any;
    assert.deepEqual(node.edges.trips, listed);
    assert.equal(node.edges.agency, 'Agency:A0000');
    const graph = (await (await cold('nodes/Route/A0000-R00/subgraph?depth=1&rels=trips')).json()) as any;
    assert.equal(graph.nodes.length, listed.length + 1);
    const lines = (await (await cold('export?type=Route')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines.find((l) => l.id === 'Route:A0000-R00').edges.trips, listed);
  });

  it('a rename with ?wait=true answers once every trip two hops away carries it', async () => {
    const res = await ingest(suite.mesh.host.url, [
      {
        specversion: '1.0',
        id: 'rename-1',
        source: 'gtfs',
        type: 'gtfs.agency.row',
        data: { agency_id: 'A0000', agency_name: 'Renamed Transit', feed_version: 1_000_000 },
      },
    ]);
    assert.equal(res.body.applied, true, JSON.stringify(res.body));
    const { data } = await gql('{ route(id: "A0000-R00") { trips { operator { name } } } }');
    const stale = data.route.trips.filter((t: any) => t.operator.name !== 'Renamed Transit').length;
    assert.equal(stale, 0, `${stale} trips still show the old name`);
  });

  it('a deleted trip leaves the route and every read', async () => {
    const before = (await gql('{ route(id: "A0000-R00") { trips { tripId } } }')).data.route.trips.map((t: any) => t.tripId);
    const victim = before[7];
    const res = await ingest(suite.mesh.host.url, [
      {
        specversion: '1.0',
        id: 'drop-1',
        source: 'gtfs',
        type: 'gtfs.trip.row',
        data: { trip_id: victim, route_id: 'A0000-R00', deleted: 1, feed_version: 1_000_000 },
      },
    ]);
    assert.equal(res.body.applied, true);
    const { data } = await gql(`{ trip(id: "${victim}") { tripId } route(id: "A0000-R00") { trips { tripId } tripsConnection { totalCount } } }`);
    assert.equal(data.trip, null);
    assert.equal(data.route.trips.length, before.length - 1);
    assert.equal(data.route.tripsConnection.totalCount, before.length - 1);
    const gone = await fetch(`${suite.mesh.host.url}/api/nodes/Trip/${victim}`);
    assert.equal(gone.status, 404);
  });
});
