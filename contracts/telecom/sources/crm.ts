// CRM: customers, exported from an Excel workbook with the sheet's own column names.
import { change, field, record, source } from '../../../core/contracts';
import { Customer } from '../types';

const SEGMENTS = { Consumer: 'consumer', Business: 'business', VIP: 'vip' } as const;

export const crm = source({
  description: 'Customer relationship management; rows of an Excel export.',
  records: {
    'crm.customer.row': record({
      description: 'One row of the Customers sheet.',
      fields: {
        'Customer No': field.keyword().required(),
        'Full Name': field.text(),
        'E-mail': field.keyword(),
        Mobile: field.keyword(),
        Segment: field.enum(['Consumer', 'Business', 'VIP']),
        City: field.keyword(),
        'Created On': field.keyword().describe('A date as the sheet shows it: YYYY-MM-DD.'),
        Deleted: field.enum(['Y', 'N']),
        'Row Version': field.int().required(),
      },
      sequence: 'Row Version',
      map: (row) => {
        if (row.Deleted === 'Y') return [change.delete(Customer, row['Customer No'])];
        return [
          change.upsert(Customer, row['Customer No'], {
            name: row['Full Name'],
            email: row['E-mail'],
            phone: row.Mobile,
            segment: row.Segment == null ? row.Segment : SEGMENTS[row.Segment],
            city: row.City,
            createdAt: row['Created On'] == null ? row['Created On'] : `${row['Created On']}T00:00:00Z`,
          }),
        ];
      },
    }),
  },
});
