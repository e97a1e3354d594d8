// The whole path on the second sample data product (contracts/transit), structurally unlike the
// telecom one: keys not named id, a name carried two hops, many-to-many stops, relations past the
// spill threshold, personal data of another role. Feed files in, GraphQL and cold endpoints out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compileDataProduct } from '../../../core/contracts';
import { createDemoGenerator } from '../../../core/demo/generate';
import transit from '../../../contracts/transit';
import { writeRecordFiles } from '../../../connectors/files/record-files';
import { ingestFile } from '../../../connectors/files/ingest';
import { HttpSink } from '../../../connectors/publish';
import { principalHeader } from '../../../core/auth/principal';
import { ingest, useMeshHost } from '../../helpers/mesh-host';

const compiled = compileDataProduct(transit);
const OPS = principalHeader(['ops.pii']);
/** The order a feed is loaded in: what others point at first. */
const FILES = ['agency', 'stop', 'route', 'trip', 'stop_time', 'driver', 'duty'];

async function loadFeed(url: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-feed-'));
  try {
    const generator = createDemoGenerator(compiled, transit.demo, { roots: 2, seed: 7, canonical: false, mix: { updates: 0, outOfOrder: 0, duplicates: 0, deletes: 0 } });
    writeRecordFiles([...generator.batches()].flat(), compiled.model, dir);
    for (const name of FILES) {
      const sink = new HttpSink(url, 4);
      const source = name === 'driver' || name === 'duty' ? 'roster' : 'gtfs';
      const summary = await ingestFile({ file: path.join(dir, `${name}.csv`), source, product: compiled, sink });
      await sink.close();
      assert.equal(summary.rejected, 0, `${name}: ${summary.reasons.join('; ')}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the transit data product, end to end', () => {
  const suite = useMeshHost({ contracts: 'contracts/transit', store: 'memory', withCold: true, seed: (mesh) => loadFeed(mesh.host.url).then(() => mesh.host.runtime.idle()) });
  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${suite.mesh.host.url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data: any; errors?: any[] };
  };
  const cold = async (p: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${suite.mesh.host.url}/api/${p}`, { headers });
    assert.equal(res.status, 200, `${p}: ${res.status}`);
    return res;
  };

  it('answers a busy route with every trip, paged, and each trip with its operator two hops away', async () => {
    const { data, errors } = await gql('{ route(id: "A0000-R00") { id routeId operatorInfo { name } trips { tripId operator { id name } } tripsConnection(first: 5) { totalCount } } }');
    assert.equal(errors, undefined, JSON.stringify(errors));
    assert.equal(data.route.id, 'Route:A0000-R00');
    assert.equal(data.route.routeId, 'A0000-R00');
    assert.equal(data.route.trips.length, 160, 'past the spill threshold, every trip is listed');
    assert.equal(data.route.tripsConnection.totalCount, 160);
    assert.ok(data.route.trips.every((t: any) => t.operator.name === data.route.operatorInfo.name && t.operator.id === 'Agency:A0000'));
  });

  it('lists a busy stop\'s trips (many-to-many, past the threshold) and finds it by a trip', async () => {
    const stops = (await gql('{ searchStops(first: 100) { edges { node { stopId tripsConnection(first: 0) { totalCount } } } } }')).data.searchStops.edges.map((e: any) => e.node);
    const busy = stops.sort((a: any, b: any) => b.tripsConnection.totalCount - a.tripsConnection.totalCount)[0];
    assert.ok(busy.tripsConnection.totalCount > 128, `the busiest stop has ${busy.tripsConnection.totalCount} trips`);
    const { data } = await gql(`{ stop(id: "${busy.stopId}") { trips { tripId } } }`);
    assert.equal(data.stop.trips.length, busy.tripsConnection.totalCount);
    const trip = data.stop.trips[0].tripId;
    const found = (await gql(`{ searchStops(filter: {trips: {eq: "${trip}"}}, first: 50) { edges { node { stopId } } } }`)).data.searchStops.edges.map((e: any) => e.node.stopId);
    assert.ok(found.includes(busy.stopId));
  });

  it('counts trips per operator (a carried facet) and per route (a relation facet)', async () => {
    const { data, errors } = await gql('{ searchTrips(first: 0) { totalCount facets(fields: [route, operator_name]) { field buckets { value count } } } }');
    assert.equal(errors, undefined, JSON.stringify(errors));
    const [route, operator] = data.searchTrips.facets;
    assert.equal(route.field, 'route');
    assert.deepEqual(route.buckets[0], { value: 'A0000-R00', count: 160 });
    assert.equal(operator.field, 'operator.name');
    assert.equal(operator.buckets.reduce((n: number, b: any) => n + b.count, 0), data.searchTrips.totalCount);
  });

  it('masks drivers\' personal data for callers without ops.pii, in GraphQL and the cold app', async () => {
    const anonymous = await gql('{ searchDrivers(first: 1) { edges { node { badge name depot } } } }');
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'FORBIDDEN_FIELD');
    const badge = anonymous.data.searchDrivers.edges[0].node.badge;
    const ops = await gql(`{ driver(id: "${badge}") { name } }`, undefined, { 'x-ms-client-principal': OPS });
    assert.equal(typeof ops.data.driver.name, 'string');
    const node = (await (await cold(`nodes/Driver/${badge}`)).json()) as any;
    assert.deepEqual(node.masked, ['name', 'phone']);
  });

  it('serves the busy route\'s neighbourhood from the cold app, complete', async () => {
    const node = (await (await cold('nodes/Route/A0000-R00')).json()) as any;
    assert.equal(node.edges.trips.length, 160);
    assert.equal(node.edges.agency, 'Agency:A0000');
    const graph = (await (await cold('nodes/Route/A0000-R00/subgraph?depth=1')).json()) as any;
    assert.equal(graph.nodes.length, 162);
    const lines = (await (await cold('export?type=Route')).text()).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.find((l) => l.id === 'Route:A0000-R00').edges.trips.length, 160);
  });

  it('a rename with ?wait=true answers once every trip two hops away carries it', async () => {
    const res = await ingest(suite.mesh.host.url, [{ specversion: '1.0', id: 'rename-1', source: 'gtfs', type: 'gtfs.agency.row', data: { agency_id: 'A0000', agency_name: 'Renamed Transit', feed_version: 1_000_000 } }]);
    assert.equal(res.body.applied, true, JSON.stringify(res.body));
    const { data } = await gql('{ route(id: "A0000-R00") { trips { operator { name } } } }');
    const stale = data.route.trips.filter((t: any) => t.operator.name !== 'Renamed Transit').length;
    assert.equal(stale, 0, `${stale} trips still show the old name`);
  });

  it('a deleted trip leaves the route and every read', async () => {
    const res = await ingest(suite.mesh.host.url, [{ specversion: '1.0', id: 'drop-1', source: 'gtfs', type: 'gtfs.trip.row', data: { trip_id: 'A0000-R00-T0007', route_id: 'A0000-R00', deleted: 1, feed_version: 1_000_000 } }]);
    assert.equal(res.body.applied, true);
    const { data } = await gql('{ trip(id: "A0000-R00-T0007") { tripId } route(id: "A0000-R00") { trips { tripId } tripsConnection { totalCount } } }');
    assert.equal(data.trip, null);
    assert.equal(data.route.trips.length, 159);
    assert.equal(data.route.tripsConnection.totalCount, 159);
    const gone = await fetch(`${suite.mesh.host.url}/api/nodes/Trip/A0000-R00-T0007`);
    assert.equal(gone.status, 404);
  });
});
