// The node types of the telecom data product. Each is owned by the system of record for it;
// personal data is visible to the role PII_ROLE only.
import { carry, edge, field, node } from '../../core/contracts';

export const PII_ROLE = 'pii.read';

export const Customer = node({
  name: 'Customer',
  owner: 'crm',
  description: 'A person or company that holds accounts with the operator.',
  fields: {
    name: field.text().searchable().sortable().summary(),
    email: field.keyword().pii(PII_ROLE),
    phone: field.keyword().pii(PII_ROLE),
    segment: field.enum(['consumer', 'business', 'vip']).facet().summary(),
    city: field.keyword().facet().sortable(),
    createdAt: field.datetime().sortable(),
  },
  edges: {
    accounts: edge({ to: 'Account', cardinality: 'many', inverse: 'owner', inverseCardinality: 'one', owner: 'billing' }),
    interactions: edge({ to: 'Interaction', cardinality: 'many', inverse: 'customer', inverseCardinality: 'one', owner: 'care' }),
  },
  denormalized: {
    accountSummaries: carry(['accounts'], ['status', 'balance'], 'Status and balance of each account.'),
    plans: carry(['accounts', 'lines', 'plan'], ['name'], 'Plans of every line on every account.'),
  },
});

export const Account = node({
  name: 'Account',
  owner: 'billing',
  description: 'A billing account: who pays for a set of lines.',
  fields: {
    status: field.enum(['active', 'suspended', 'closed']).facet().summary(),
    balance: field.float().sortable().summary(),
    currency: field.keyword().facet(),
  },
  edges: {
    lines: edge({ to: 'Line', cardinality: 'many', inverse: 'account', inverseCardinality: 'one', owner: 'billing' }),
  },
});

export const Line = node({
  name: 'Line',
  owner: 'billing',
  // Billing calls it a subscription; `Subscription` is a GraphQL root type name.
  description: 'A mobile line (a "subscription" in billing).',
  fields: {
    msisdn: field.keyword().pii(PII_ROLE),
    status: field.enum(['active', 'suspended', 'terminated']).facet().summary(),
    startedAt: field.datetime().sortable(),
  },
  edges: {
    // Search facets count lines per plan: by its id and by its name.
    plan: edge({ to: 'Plan', cardinality: 'one', inverse: 'lines', inverseCardinality: 'many', owner: 'billing', facet: true }),
    device: edge({ to: 'Device', cardinality: 'one', inverse: 'line', inverseCardinality: 'one', owner: 'inventory' }),
  },
  denormalized: {
    planInfo: carry(['plan'], ['name'], { facets: ['name'] }),
    deviceInfo: carry(['device'], ['model']),
  },
});

export const Plan = node({
  name: 'Plan',
  owner: 'catalog',
  description: 'A tariff plan from the product catalog.',
  fields: {
    name: field.text().searchable().sortable().summary(),
    monthlyPrice: field.float().sortable(),
    dataGb: field.int().sortable().facet(),
  },
});

export const Device = node({
  name: 'Device',
  owner: 'inventory',
  description: 'A handset or modem known to the inventory.',
  fields: {
    imei: field.keyword().pii(PII_ROLE),
    maker: field.keyword().facet().summary(),
    model: field.keyword().sortable().summary(),
  },
});

export const Store = node({
  name: 'Store',
  owner: 'retail',
  description: 'A shop of the retail network.',
  fields: {
    name: field.text().searchable().sortable().summary(),
    city: field.keyword().facet(),
  },
  edges: {
    interactions: edge({ to: 'Interaction', cardinality: 'many', inverse: 'store', inverseCardinality: 'one', owner: 'care' }),
  },
});

export const Interaction = node({
  name: 'Interaction',
  owner: 'care',
  description: 'A contact between a customer and customer care: a call, a chat, a visit.',
  fields: {
    channel: field.enum(['phone', 'chat', 'email', 'store']).facet().summary(),
    topic: field.keyword().facet().summary(),
    text: field.text().searchable(),
    at: field.datetime().sortable(),
  },
});

export const TELECOM_TYPES = [Customer, Account, Line, Plan, Device, Store, Interaction] as const;
