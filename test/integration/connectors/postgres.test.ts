// Postgres change data capture end to end: a private cluster (wal_level=logical), the telecom
// billing tables, the connector into the local host; rows already there (snapshot), inserts,
// updates and deletes reach the graph; a restart resumes at the confirmed position without loss;
// a run whose events were not accepted confirms nothing; the outbox table is published and marked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { compileDataProduct } from '../../../core/contracts';
import { telecom } from '../../../contracts/telecom';
import { runCdc, type CdcStats } from '../../../connectors/postgres/cdc';
import { runOutbox } from '../../../connectors/postgres/outbox';
import { HttpSink, type EventSink, type SendResult } from '../../../connectors/publish';
import { nodeOf, useTelecomHost } from './telecom-host';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../../../host/harness/postgres';

const product = compileDataProduct(telecom);
const missing = postgresMissing();

/** Polls until `check` holds (the pipeline is asynchronous end to end); fails with the last value after 30 s. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) assert.fail(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

class FailingSink implements EventSink {
  readonly target = 'a host that is down';
  async send(): Promise<SendResult> {
    throw new Error('connection refused (simulated)');
  }
  async close() {}
}

describe('Postgres change data capture into the local host', { skip: missing }, () => {
  const suite = useTelecomHost();
  let pg: TestPostgres;
  let db: Client;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-cdc-state-'));
  const lines: string[] = [];

  before(async () => {
    pg = await startTestPostgres();
    db = new Client({ connectionString: pg.url });
    await db.connect();
    await db.query(`
      CREATE TABLE account (account_id text PRIMARY KEY, customer_no text, status_code char(1), balance_cents bigint, currency text);
      CREATE TABLE subscriptions (subscription_id text PRIMARY KEY, account_id text, msisdn text, plan_code text, status text, activated_at timestamptz);
      INSERT INTO account VALUES ('A1', 'C1', 'A', 1050, 'EUR'), ('A2', 'C2', 'S', 0, 'EUR');
      CREATE PUBLICATION mesh FOR TABLE account, subscriptions;`);
  });
  after(async () => {
    await db?.end();
    pg?.stop();
  });

  function start(sink: EventSink = new HttpSink(suite.host.url)) {
    const stop = new AbortController();
    const confirmed: string[] = [];
    const run = runCdc({
      url: pg.url,
      publication: 'mesh',
      slot: 'mesh_slot',
      source: 'billing',
      product,
      sink,
      stateDir,
      log: (l) => lines.push(l),
      signal: stop.signal,
      onConfirmed: (lsn) => confirmed.push(lsn),
    });
    return { stop, run, confirmed, sink };
  }
  const account = (id: string) =>
    eventually(
      async () => (await suite.host.runtime.idle(), await nodeOf(suite.host, 'Account', id)),
      (n) => n !== undefined,
      `Account ${id}`,
    );
  const slotPosition = async () =>
    (await db.query<{ lsn: string }>("SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = 'mesh_slot'")).rows[0]?.lsn;

  it('sends the rows already there, then every insert, update and delete (a delete is a tombstone)', async (t) => {
    const cdc = start();
    t.after(() => cdc.stop.abort());
    assert.deepEqual((await account('A1')).fields, { status: 'active', balance: 10.5, currency: 'EUR' });
    assert.equal((await account('A2')).fields.status, 'suspended');
    await db.query(`INSERT INTO account VALUES ('A3', 'C3', 'A', 700, 'USD')`);
    await db.query(
      `BEGIN; UPDATE account SET balance_cents = 2000 WHERE account_id = 'A1'; UPDATE account SET balance_cents = 2500 WHERE account_id = 'A1'; COMMIT`,
    );
    await db.query(`DELETE FROM account WHERE account_id = 'A2'`);
    await db.query(`INSERT INTO subscriptions VALUES ('S1', 'A3', '+4470000001', NULL, 'active', '2024-05-01T10:00:00Z')`);
    const line = await eventually(
      async () => (await suite.host.runtime.idle(), await nodeOf(suite.host, 'Line', 'S1')),
      (n) => n !== undefined,
      'Line S1',
    );
    assert.deepEqual(line.fields, { status: 'active', startedAt: '2024-05-01T10:00:00.000Z' });
    assert.deepEqual(line.masked, ['msisdn'], 'a phone number is personal data');
    assert.equal((await account('A3')).fields.balance, 7);
    await eventually(
      () => nodeOf(suite.host, 'Account', 'A1'),
      (n) => n.fields.balance === 25,
      'the later update of one transaction wins',
    );
    await eventually(
      () => nodeOf(suite.host, 'Account', 'A2'),
      (n) => n === undefined || n.deleted === true,
      'A2 deleted',
    );
    const lineage = (await (await fetch(`${suite.host.url}/api/nodes/Account/A3/lineage`)).json()) as {
      edges: Array<{ rel: string; to: string; linked: boolean }>;
    };
    assert.deepEqual(lineage.edges.map((e: { rel: string; to: string; linked: boolean }) => [e.rel, e.to, e.linked]).sort(), [
      ['lines', 'Line:S1', true],
      ['owner', 'Customer:C3', true],
    ]);
    cdc.stop.abort();
    const stats: CdcStats = await cdc.run;
    assert.equal(stats.snapshotRows, 2);
    assert.equal(stats.changes, 5);
    assert.equal(stats.rejected, 0);
    assert.ok(cdc.confirmed.length > 0, 'positions were confirmed');
  });

  it('after a restart, resumes at the confirmed position: changes made while stopped arrive, nothing is sent twice as new', async (t) => {
    await db.query(`INSERT INTO account VALUES ('A4', 'C4', 'A', 100, 'EUR')`);
    await db.query(`UPDATE account SET status_code = 'C' WHERE account_id = 'A3'`);
    await db.query(`DELETE FROM account WHERE account_id = 'A1'`);
    const cdc = start();
    t.after(() => cdc.stop.abort());
    assert.equal((await account('A4')).fields.balance, 1);
    await eventually(
      () => nodeOf(suite.host, 'Account', 'A3'),
      (n) => n.fields.status === 'closed',
      'A3 closed',
    );
    await eventually(
      () => nodeOf(suite.host, 'Account', 'A1'),
      (n) => n === undefined || n.deleted === true,
      'A1 deleted',
    );
    await eventually(
      async () => cdc.confirmed.length,
      (n) => n >= 3,
      'the three transactions confirmed',
    );
    cdc.stop.abort();
    const stats = await cdc.run;
    assert.deepEqual(
      { snapshotRows: stats.snapshotRows, changes: stats.changes },
      { snapshotRows: 0, changes: 3 },
      'no second snapshot, only what changed while stopped',
    );
    assert.match(lines.join('\n'), /slot mesh_slot: resuming at/);
  });

  it('confirms nothing when the events were not accepted, so the next run sends them', async (t) => {
    const before = await slotPosition();
    await db.query(`UPDATE account SET balance_cents = 999 WHERE account_id = 'A4'`);
    const failing = start(new FailingSink());
    await assert.rejects(failing.run, /connection refused \(simulated\)/);
    assert.deepEqual(failing.confirmed, []);
    assert.equal(await slotPosition(), before, 'the slot did not move');
    const cdc = start();
    t.after(() => cdc.stop.abort());
    await eventually(
      () => nodeOf(suite.host, 'Account', 'A4'),
      (n) => n.fields.balance === 9.99,
      'A4 updated after the failed run',
    );
    cdc.stop.abort();
    await cdc.run;
  });

  it('publishes an outbox table in id order and marks each row, a rejected one with its reason', async () => {
    await db.query(
      `CREATE TABLE outbox (id bigserial PRIMARY KEY, type text NOT NULL, subject text, data jsonb, source text, event_id text, published_at timestamptz)`,
    );
    await db.query(`INSERT INTO outbox (type, subject, data, source) VALUES
      ('meshgraph.node.upsert', 'Customer/O1', '{"name": "Outbox Customer", "segment": "vip"}', 'crm'),
      ('billing.account.row', NULL, '{"account_id": "A9", "status_code": "A", "op": "c", "lsn": "1"}', NULL),
      ('billing.invoice.row', NULL, '{"invoice_id": "I1"}', NULL)`);
    const stop = new AbortController();
    const logged: string[] = [];
    const sink = new HttpSink(suite.host.url);
    const run = runOutbox({
      url: pg.url,
      source: 'billing',
      sink,
      log: (l) => logged.push(l),
      signal: stop.signal,
      pollMs: 20,
      onPublished: (s) => s.published >= 3 && stop.abort(),
    });
    const stats = await run;
    await sink.close();
    assert.deepEqual(stats, { published: 3, accepted: 2, rejected: 1 });
    assert.match(logged.join('\n'), /rejected: outbox row 3: .*billing\.invoice\.row/);
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    assert.equal(rows[0]!.n, '0');
    await suite.host.runtime.idle();
    assert.equal((await nodeOf(suite.host, 'Customer', 'O1')).fields.name, 'Outbox Customer');
    assert.equal((await nodeOf(suite.host, 'Account', 'A9')).fields.status, 'active');
  });
});

if (missing) describe('Postgres change data capture', () => it(`skipped: ${missing}`, { skip: missing }, () => {}));
