// Billing: accounts and subscriptions (mobile lines), as change rows captured from Postgres.
import { change, field, record, source } from '../../../core/contracts';
import type { CanonicalChange } from '../../../core/contracts';
import { Account, Customer, Line, Plan } from '../types';

const ACCOUNT_STATUS = { A: 'active', S: 'suspended', C: 'closed' } as const;

/** Columns every captured change row has: the operation and the log position (a decimal string). */
const changeColumns = {
  op: field.enum(['c', 'u', 'd']).required().describe('create, update or delete'),
  lsn: field.keyword().required().describe('Postgres log sequence number, as a decimal string.'),
};

/** A captured delete removes the node; any other operation maps the row. */
function unlessDeleted(op: 'c' | 'u' | 'd', deleteChange: CanonicalChange, upsert: () => CanonicalChange[]): CanonicalChange[] {
  return op === 'd' ? [deleteChange] : upsert();
}

export const billing = source({
  description: 'Billing system (Postgres); rows from its change data capture.',
  records: {
    'billing.account.row': record({
      description: 'A row of the accounts table.',
      fields: {
        account_id: field.keyword().required(),
        customer_no: field.keyword(),
        status_code: field.enum(['A', 'S', 'C']),
        balance_cents: field.int(),
        currency: field.keyword(),
        ...changeColumns,
      },
      sequence: 'lsn',
      map: (row) =>
        unlessDeleted(row.op, change.delete(Account, row.account_id), () => [
          change.upsert(Account, row.account_id, {
            status: row.status_code == null ? row.status_code : ACCOUNT_STATUS[row.status_code],
            balance: row.balance_cents == null ? row.balance_cents : row.balance_cents / 100,
            currency: row.currency,
          }),
          ...(row.customer_no ? [change.link(Account, row.account_id, 'owner', Customer, row.customer_no)] : []),
        ]),
    }),
    'billing.subscription.row': record({
      description: 'A row of the subscriptions table: one mobile line.',
      fields: {
        subscription_id: field.keyword().required(),
        account_id: field.keyword(),
        msisdn: field.keyword(),
        plan_code: field.keyword(),
        status: field.enum(['active', 'suspended', 'terminated']),
        activated_at: field.datetime(),
        ...changeColumns,
      },
      sequence: 'lsn',
      map: (row) =>
        unlessDeleted(row.op, change.delete(Line, row.subscription_id), () => [
          change.upsert(Line, row.subscription_id, { msisdn: row.msisdn, status: row.status, startedAt: row.activated_at }),
          ...(row.account_id ? [change.link(Line, row.subscription_id, 'account', Account, row.account_id)] : []),
          ...(row.plan_code ? [change.link(Line, row.subscription_id, 'plan', Plan, row.plan_code)] : []),
        ]),
    }),
  },
});
