// GTFS static feed files (agency.txt, routes.txt, trips.txt, stops.txt, stop_times.txt), one
// record type per file with the feed's own column names; `feed_version` orders the versions.
import { change, field, record, source } from '../../../core/contracts';
import { Agency, MODES, Route, Stop, Trip } from '../types';

/** GTFS route_type codes. */
const ROUTE_TYPES: Record<number, (typeof MODES)[number]> = {
  0: 'tram',
  1: 'subway',
  2: 'rail',
  3: 'bus',
  4: 'ferry',
  5: 'cable',
  6: 'gondola',
  7: 'funicular',
  11: 'trolleybus',
  12: 'monorail',
};
const WHEELCHAIR = { 0: 'unknown', 1: 'accessible', 2: 'notAccessible' } as const;

const version = { feed_version: field.int().required().describe('The feed version the row comes from; newer wins.') };
/** A row with `deleted = 1` removes its entity (the feed dropped it). */
const deleted = { deleted: field.int().describe('1 when the feed dropped the row.') };

export const gtfs = source({
  description: 'The static GTFS feed of the agencies.',
  records: {
    'gtfs.agency.row': record({
      description: 'A row of agency.txt.',
      fields: {
        agency_id: field.keyword().required(),
        agency_name: field.text().required(),
        agency_url: field.keyword(),
        agency_timezone: field.keyword(),
        ...version,
        ...deleted,
      },
      sequence: 'feed_version',
      map: (r) =>
        r.deleted === 1
          ? [change.delete(Agency, r.agency_id)]
          : [change.upsert(Agency, r.agency_id, { name: r.agency_name, url: r.agency_url, timezone: r.agency_timezone })],
    }),
    'gtfs.route.row': record({
      description: 'A row of routes.txt.',
      fields: {
        route_id: field.keyword().required(),
        agency_id: field.keyword(),
        route_short_name: field.keyword(),
        route_long_name: field.text(),
        route_type: field.int().required(),
        ...version,
        ...deleted,
      },
      sequence: 'feed_version',
      map: (r) => {
        if (r.deleted === 1) return [change.delete(Route, r.route_id)];
        return [
          change.upsert(Route, r.route_id, { shortName: r.route_short_name, longName: r.route_long_name, mode: ROUTE_TYPES[r.route_type] ?? 'bus' }),
          ...(r.agency_id ? [change.link(Route, r.route_id, 'agency', Agency, r.agency_id)] : []),
        ];
      },
    }),
    'gtfs.trip.row': record({
      description: 'A row of trips.txt.',
      fields: {
        trip_id: field.keyword().required(),
        route_id: field.keyword().required(),
        service_id: field.keyword(),
        trip_headsign: field.text(),
        direction_id: field.int(),
        ...version,
        ...deleted,
      },
      sequence: 'feed_version',
      map: (r) => {
        if (r.deleted === 1) return [change.delete(Trip, r.trip_id)];
        const direction = r.direction_id === 1 ? 'inbound' : r.direction_id === 0 ? 'outbound' : undefined;
        return [
          change.upsert(Trip, r.trip_id, { headsign: r.trip_headsign, service: r.service_id, direction }),
          change.link(Trip, r.trip_id, 'route', Route, r.route_id),
        ];
      },
    }),
    'gtfs.stop.row': record({
      description: 'A row of stops.txt.',
      fields: {
        stop_id: field.keyword().required(),
        stop_name: field.text().required(),
        stop_lat: field.float(),
        stop_lon: field.float(),
        wheelchair_boarding: field.int(),
        ...version,
        ...deleted,
      },
      sequence: 'feed_version',
      map: (r) => {
        if (r.deleted === 1) return [change.delete(Stop, r.stop_id)];
        const wheelchair = r.wheelchair_boarding === 1 || r.wheelchair_boarding === 2 ? WHEELCHAIR[r.wheelchair_boarding] : 'unknown';
        return [change.upsert(Stop, r.stop_id, { name: r.stop_name, lat: r.stop_lat, lon: r.stop_lon, wheelchair })];
      },
    }),
    'gtfs.stop_time.row': record({
      description: 'A row of stop_times.txt: a trip calls at a stop (a dropped row unlinks it).',
      fields: {
        trip_id: field.keyword().required(),
        stop_id: field.keyword().required(),
        stop_sequence: field.int().required(),
        arrival_time: field.keyword(),
        ...version,
        ...deleted,
      },
      sequence: 'feed_version',
      map: (r) => [(r.deleted === 1 ? change.unlink : change.link)(Trip, r.trip_id, 'stops', Stop, r.stop_id)],
    }),
  },
});
