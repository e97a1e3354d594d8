// The roster system: drivers (personal data) and which driver drives which trip.
import { change, field, record, source } from '../../../core/contracts';
import { Driver, Trip } from '../types';

export const roster = source({
  description: 'Crew rostering; exports of its drivers and duty assignments.',
  records: {
    'roster.driver.row': record({
      description: 'A driver.',
      fields: {
        badge: field.keyword().required(),
        full_name: field.text(),
        mobile: field.keyword(),
        depot: field.keyword(),
        version: field.int().required(),
        left_company: field.enum(['yes', 'no']),
      },
      sequence: 'version',
      map: (r) =>
        r.left_company === 'yes' ? [change.delete(Driver, r.badge)] : [change.upsert(Driver, r.badge, { name: r.full_name, phone: r.mobile, depot: r.depot })],
    }),
    'roster.duty.row': record({
      description: 'A duty: a driver assigned to a trip.',
      fields: { trip_id: field.keyword().required(), badge: field.keyword().required(), version: field.int().required() },
      sequence: 'version',
      map: (r) => [change.link(Trip, r.trip_id, 'driver', Driver, r.badge)],
    }),
  },
});
