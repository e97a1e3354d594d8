// Demo data for the telecom product: per customer a CRM row, billing accounts and subscriptions,
// the devices on those lines and care tickets, each in its source's own record shape.
import type { DemoRecord, DemoScenario, Random } from '../../core/contracts';
import { CHANNELS, CITIES, CURRENCIES, DEVICES, FIRST_NAMES, LAST_NAMES, MAIL_DOMAINS, PLANS, STORE_COUNT, TOPICS } from './demo-words';

const pad = (n: number, width = 7) => String(n).padStart(width, '0');
const storeNo = (n: number) => `ST${pad(n, 3)}`;
const digits = (rng: Random, count: number) => Array.from({ length: count }, () => rng.int(0, 9)).join('');
const day = (rng: Random, fromYear: number) => `${rng.int(fromYear, 2024)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`;

const rec = (source: string, type: string, data: Record<string, unknown>): DemoRecord => ({ source, type, data });

function customerRow(index: number, rng: Random): DemoRecord {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  return rec('crm', 'crm.customer.row', {
    'Customer No': `C${pad(index)}`,
    'Full Name': `${first} ${last}`,
    'E-mail': `${first}.${last}${index}@${rng.pick(MAIL_DOMAINS)}`.toLowerCase(),
    Mobile: `+34 6${digits(rng, 8)}`,
    Segment: rng.chance(0.05) ? 'VIP' : rng.chance(0.2) ? 'Business' : 'Consumer',
    City: rng.pick(CITIES),
    'Created On': day(rng, 2010),
    Deleted: 'N',
  });
}

function lineRecords(accountId: string, lineId: string, rng: Random): DemoRecord[] {
  const subscription = rec('billing', 'billing.subscription.row', {
    subscription_id: lineId,
    account_id: accountId,
    msisdn: `+34 6${digits(rng, 8)}`,
    plan_code: rng.pick(PLANS).code,
    status: rng.chance(0.9) ? 'active' : 'suspended',
    activated_at: `${day(rng, 2015)}T${pad(rng.int(8, 19), 2)}:00:00Z`,
    op: 'c',
  });
  if (!rng.chance(0.85)) return [subscription];
  const [maker, model] = rng.pick(DEVICES);
  const device = rec('inventory', 'inventory.device.doc', {
    _id: `D${lineId.slice(1)}`,
    imei: `35${digits(rng, 13)}`,
    manufacturer: maker,
    modelName: model,
    assignedSubscription: lineId,
    scrapped: false,
  });
  return [subscription, device];
}

function neighbourhood(index: number, rng: Random): DemoRecord[] {
  const customer = customerRow(index, rng);
  const customerNo = customer.data['Customer No'] as string;
  const records = [customer];
  for (let a = 1, accounts = rng.chance(0.3) ? 2 : 1; a <= accounts; a++) {
    const accountId = `A${pad(index)}-${a}`;
    records.push(
      rec('billing', 'billing.account.row', {
        account_id: accountId,
        customer_no: customerNo,
        status_code: rng.chance(0.92) ? 'A' : 'S',
        balance_cents: rng.int(-5000, 20000),
        currency: rng.pick(CURRENCIES),
        op: 'c',
      }),
    );
    for (let l = 1, lines = rng.int(1, 3); l <= lines; l++) records.push(...lineRecords(accountId, `S${pad(index)}-${a}-${l}`, rng));
  }
  for (let t = 1, tickets = rng.int(0, 3); t <= tickets; t++) {
    const [topic, text] = rng.pick(TOPICS);
    const channel = rng.pick(CHANNELS);
    records.push(
      rec('care', 'care.interaction.logged', {
        ticketId: `T${pad(index)}-${t}`,
        customerNo,
        channel,
        topic,
        notes: text,
        ...(channel === 'store' ? { storeNo: storeNo(rng.int(1, STORE_COUNT)) } : {}),
        occurredAt: `${day(rng, 2022)}T${pad(rng.int(8, 20), 2)}:${pad(rng.int(0, 59), 2)}:00Z`,
      }),
    );
  }
  return records;
}

function reference(rng: Random): DemoRecord[] {
  const plans = PLANS.map((p) =>
    rec('catalog', 'catalog.plan.published', { planCode: p.code, displayName: p.name, priceMonthly: p.price, dataAllowanceGb: p.gb, retired: false }),
  );
  const stores = Array.from({ length: STORE_COUNT }, (_, i) => {
    const city = rng.pick(CITIES);
    return rec('retail', 'retail.store.row', {
      store_no: storeNo(i + 1),
      store_name: `${city} ${rng.pick(['Centro', 'Mall', 'Station', 'Plaza'])}`,
      town: city,
    });
  });
  return [...plans, ...stores];
}

const changed = (r: DemoRecord, data: Record<string, unknown>): DemoRecord => ({ ...r, data: { ...r.data, ...data } });

function update(r: DemoRecord, rng: Random): DemoRecord | undefined {
  switch (r.type) {
    case 'crm.customer.row':
      return changed(r, rng.chance(0.5) ? { City: rng.pick(CITIES) } : { Segment: rng.pick(['Consumer', 'Business', 'VIP']) });
    case 'billing.account.row':
      return changed(r, { op: 'u', balance_cents: rng.int(-5000, 20000), ...(rng.chance(0.2) ? { status_code: 'S' } : {}) });
    case 'billing.subscription.row':
      return changed(r, { op: 'u', ...(rng.chance(0.6) ? { plan_code: rng.pick(PLANS).code } : { status: 'suspended' }) });
    case 'care.interaction.logged':
      return changed(r, { notes: `${String(r.data['notes'])}; follow-up done` });
    default:
      return undefined;
  }
}

function remove(r: DemoRecord): DemoRecord | undefined {
  switch (r.type) {
    case 'billing.subscription.row':
      return rec('billing', r.type, { subscription_id: r.data['subscription_id'], op: 'd' });
    case 'inventory.device.doc':
      return changed(r, { scrapped: true });
    case 'care.interaction.logged':
      return rec('care', 'care.interaction.purged', { ticketId: r.data['ticketId'] });
    default:
      return undefined;
  }
}

export const telecomDemo: DemoScenario = { rootLabel: 'customers', rootType: 'Customer', reference, neighbourhood, update, remove };
