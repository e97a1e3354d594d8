// Demo data for the transit product: per agency its routes, trips, stop times, drivers and duties,
// in the feed's own record shapes; a shared pool of stops (the reference data), so busy stops are
// called at by hundreds of trips. Every tenth agency's first route runs 160 trips, past the 128
// neighbours a node keeps inline, so its trips are held in edge buckets.
import type { DemoRecord, DemoScenario, Random } from '../../core/contracts';

export const STOP_POOL = 60;
const BUSY_ROUTE_TRIPS = 160;
const STREETS = ['Main', 'Station', 'Harbour', 'Market', 'Church', 'Mill', 'Bridge', 'Castle', 'Garden', 'Park', 'River', 'School'];
const KINDS = ['Square', 'Street', 'Terminal', 'Gate', 'Corner', 'Hall'];
const PLACES = ['Northgate', 'Southport', 'Eastwick', 'Westfield', 'Lakeside', 'Hillcrest', 'Oldtown', 'Newbridge'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'John', 'Radia', 'Tim'];
const LAST = ['Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen', 'Backus', 'Perlman', 'Lee'];
const ZONES = ['Europe/Madrid', 'Europe/Lisbon', 'Europe/Paris'];
const ROUTE_TYPES = [3, 3, 3, 0, 1, 2, 4, 11];

const pad = (n: number, width = 4) => String(n).padStart(width, '0');
const rec = (source: string, type: string, data: Record<string, unknown>): DemoRecord => ({ source, type, data });
export const stopId = (n: number) => `S${pad(n, 3)}`;

function reference(rng: Random): DemoRecord[] {
  return Array.from({ length: STOP_POOL }, (_, i) =>
    rec('gtfs', 'gtfs.stop.row', {
      stop_id: stopId(i),
      stop_name: `${rng.pick(STREETS)} ${rng.pick(KINDS)}`,
      stop_lat: Math.round((40 + rng.next()) * 1e5) / 1e5,
      stop_lon: Math.round((-3 - rng.next()) * 1e5) / 1e5,
      wheelchair_boarding: rng.int(0, 2),
    }),
  );
}

function neighbourhood(index: number, rng: Random): DemoRecord[] {
  const agency = `A${pad(index)}`;
  const records: DemoRecord[] = [
    rec('gtfs', 'gtfs.agency.row', {
      agency_id: agency,
      agency_name: `${rng.pick(PLACES)} Transit ${index}`,
      agency_url: `https://transit${index}.example.org`,
      agency_timezone: rng.pick(ZONES),
    }),
  ];
  const drivers = Array.from({ length: rng.int(4, 10) }, (_, d) => `${agency}-D${pad(d, 2)}`);
  for (const badge of drivers) {
    records.push(
      rec('roster', 'roster.driver.row', {
        badge,
        full_name: `${rng.pick(FIRST)} ${rng.pick(LAST)}`,
        mobile: `+34 6${pad(rng.int(0, 99_999_999), 8)}`,
        depot: `${agency} ${rng.pick(['North', 'South'])} depot`,
        left_company: 'no',
      }),
    );
  }
  const routes = rng.int(2, 5);
  for (let r = 0; r < routes; r++) {
    const route = `${agency}-R${pad(r, 2)}`;
    records.push(
      rec('gtfs', 'gtfs.route.row', {
        route_id: route,
        agency_id: agency,
        route_short_name: String(rng.int(1, 99)),
        route_long_name: `${rng.pick(PLACES)} - ${rng.pick(PLACES)}`,
        route_type: rng.pick(ROUTE_TYPES),
      }),
    );
    const trips = r === 0 && index % 10 === 0 ? BUSY_ROUTE_TRIPS : rng.int(3, 12);
    const line = Array.from({ length: rng.int(6, 12) }, () => rng.int(0, STOP_POOL - 1));
    for (let t = 0; t < trips; t++) {
      const trip = `${route}-T${pad(t)}`;
      records.push(
        rec('gtfs', 'gtfs.trip.row', {
          trip_id: trip,
          route_id: route,
          service_id: rng.pick(['weekday', 'saturday', 'sunday']),
          trip_headsign: rng.pick(PLACES),
          direction_id: t % 2,
        }),
      );
      [...new Set(line)].forEach((s, i) =>
        records.push(
          rec('gtfs', 'gtfs.stop_time.row', {
            trip_id: trip,
            stop_id: stopId(s),
            stop_sequence: i + 1,
            arrival_time: `${pad(6 + (t % 16), 2)}:${pad((i * 4) % 60, 2)}:00`,
          }),
        ),
      );
      records.push(rec('roster', 'roster.duty.row', { trip_id: trip, badge: rng.pick(drivers) }));
    }
  }
  return records;
}

const changed = (r: DemoRecord, data: Record<string, unknown>): DemoRecord => ({ ...r, data: { ...r.data, ...data } });

function update(r: DemoRecord, rng: Random): DemoRecord | undefined {
  switch (r.type) {
    case 'gtfs.agency.row':
      return changed(r, { agency_name: `${String(r.data['agency_name'])} (${rng.pick(PLACES)})` });
    case 'gtfs.route.row':
      return changed(r, { route_short_name: String(rng.int(100, 199)) });
    case 'gtfs.trip.row':
      return changed(r, { trip_headsign: rng.pick(PLACES) });
    case 'roster.driver.row':
      return changed(r, { depot: `${rng.pick(['North', 'South', 'East'])} depot` });
    default:
      return undefined;
  }
}

function remove(r: DemoRecord): DemoRecord | undefined {
  switch (r.type) {
    case 'gtfs.trip.row':
      return changed(r, { deleted: 1 });
    case 'gtfs.stop_time.row':
      return changed(r, { deleted: 1 });
    case 'roster.driver.row':
      return changed(r, { left_company: 'yes' });
    default:
      return undefined;
  }
}

export const transitDemo: DemoScenario = { rootLabel: 'agencies', rootType: 'Agency', reference, neighbourhood, update, remove };
