// The node types of the transit data product: agencies run routes, routes run trips, trips call
// at stops and are driven by drivers. Keys keep their feed's names (none is called `id`).
import { carry, edge, field, node } from '../../core/contracts';

export const OPS_PII_ROLE = 'ops.pii';

export const MODES = ['tram', 'subway', 'rail', 'bus', 'ferry', 'cable', 'gondola', 'funicular', 'trolleybus', 'monorail'] as const;

export const Agency = node({
  name: 'Agency',
  plural: 'agencies',
  key: 'code',
  owner: 'gtfs',
  description: 'A transit operator publishing a feed.',
  fields: {
    name: field.text().searchable().sortable().summary(),
    url: field.keyword(),
    timezone: field.keyword().facet(),
  },
});

export const Route = node({
  name: 'Route',
  key: 'routeId',
  owner: 'gtfs',
  description: 'A line as riders know it (the 42 bus).',
  fields: {
    shortName: field.keyword().sortable().summary(),
    longName: field.text().searchable(),
    mode: field.enum(MODES).facet().summary(),
  },
  edges: {
    agency: edge({ to: 'Agency', cardinality: 'one', inverse: 'routes', inverseCardinality: 'many', owner: 'gtfs', facet: true }),
  },
  denormalized: {
    operatorInfo: carry(['agency'], ['name']),
  },
});

export const Trip = node({
  name: 'Trip',
  key: 'tripId',
  owner: 'gtfs',
  description: 'One journey of a route, at a time of day.',
  fields: {
    headsign: field.text().searchable().summary(),
    direction: field.enum(['outbound', 'inbound']).facet(),
    service: field.keyword().facet(),
  },
  edges: {
    route: edge({ to: 'Route', cardinality: 'one', inverse: 'trips', inverseCardinality: 'many', owner: 'gtfs', facet: true }),
    stops: edge({ to: 'Stop', cardinality: 'many', inverse: 'trips', inverseCardinality: 'many', owner: 'gtfs' }),
    driver: edge({ to: 'Driver', cardinality: 'one', inverse: 'trips', inverseCardinality: 'many', owner: 'roster' }),
  },
  denormalized: {
    line: carry(['route'], ['shortName', 'mode']),
    // Two hops: the agency's name, counted in facets (trips per operator).
    operator: carry(['route', 'agency'], ['name'], { facets: ['name'], description: 'The agency that runs the trip.' }),
  },
});

export const Stop = node({
  name: 'Stop',
  key: 'stopId',
  owner: 'gtfs',
  description: 'A place where vehicles pick up or drop off riders.',
  fields: {
    name: field.text().searchable().sortable().summary(),
    lat: field.float(),
    lon: field.float(),
    wheelchair: field.enum(['unknown', 'accessible', 'notAccessible']).facet(),
  },
});

export const Driver = node({
  name: 'Driver',
  key: 'badge',
  owner: 'roster',
  description: 'A driver of the roster system.',
  fields: {
    name: field.text().pii(OPS_PII_ROLE),
    phone: field.keyword().pii(OPS_PII_ROLE),
    depot: field.keyword().facet().summary(),
  },
});

export const TRANSIT_TYPES = [Agency, Route, Trip, Stop, Driver] as const;
