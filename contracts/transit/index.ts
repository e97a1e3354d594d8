// A second sample data product, structurally unlike the telecom one: public transit as GTFS feeds
// describe it (agencies, routes, trips, stops) plus a roster system's drivers (personal data).
// Keys keep the feed's names, a trip carries its agency's name two hops away, stops and trips are
// many-to-many, and busy routes and stops have more neighbours than a node keeps inline.
// MESH_CONTRACTS=contracts/transit loads it.
import { dataProduct } from '../../core/contracts';
import { TRANSIT_TYPES } from './types';
import { transitDemo } from './demo';
import { gtfs } from './sources/gtfs';
import { roster } from './sources/roster';

export const transit = dataProduct({
  name: 'transit',
  description: "Transit agencies' routes, trips and stops from their GTFS feeds, and the drivers of the roster system.",
  types: TRANSIT_TYPES,
  sources: { gtfs, roster },
  demo: transitDemo,
});

export default transit;
