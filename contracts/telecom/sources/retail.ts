// Retail: the store network, rows of its store register.
import { change, field, record, source } from '../../../core/contracts';
import { Store } from '../types';

export const retail = source({
  description: 'Retail store register.',
  records: {
    'retail.store.row': record({
      fields: {
        store_no: field.keyword().required(),
        store_name: field.text(),
        town: field.keyword(),
        rev: field.int().required(),
      },
      sequence: 'rev',
      map: (row) => [change.upsert(Store, row.store_no, { name: row.store_name, city: row.town })],
    }),
  },
});
