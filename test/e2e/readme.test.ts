// Every shell command that README.md and docs/*.md show in their ```sh blocks, run as written in
// bash, in reading order (README, then docs/ as it links them), from a fresh copy of the checkout (its files, no dist/, node_modules
// linked to the checkout's): `npm start` in a terminal of its own until it prints `meshgraph is
// running:`, `npm run demo`, the curl lines, `npx meshgraph ...` (npx resolves the project's own
// bin), and Ctrl-C at the end. Each command's output is checked, not only its exit code.
//
// A command is found by its text: a new one that a generic rule below covers (a curl of the local
// host, a `meshgraph` command that ends by itself) runs without editing this file; any other new
// command fails the first test until it gets a rule or a place on SKIPPED with the reason.
//
// What differs from a user's terminal, and only this:
// - the environment: PORT (a free port), MESH_DATA_DIR (a temporary folder), AzureWebJobsStorage
//   (an Azurite on free ports, which `npm start` starts by itself as it does on 10000-10002),
//   PGPORT for the Postgres examples (a private cluster), and npm kept offline;
// - `localhost:7071` in a command's text becomes `localhost:$PORT`: other people run hosts on
//   this machine's default ports at the same time;
// - what the commands name is made first, as a user would have it: customers.xlsx and
//   subscriptions.csv from the demo generator, app-queries.graphql, the billing and retail
//   databases (a private Postgres from Debian's packages; skipped, as in the connector tests,
//   where none is installed);
// - of `npm ci && npm start` only `npm start` runs (its rule says why).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { connectionStringFor, portOpen, type AzuritePorts } from '../../host/azurite';
import { parseCsv } from '../../connectors/files/csv';
import { freePort } from '../../host/harness/processes';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../../host/harness/postgres';
import { Job, shellCommands, Terminal, type DocCommand, type Run } from './shell';

const ROOT = path.join(__dirname, '../..');
/** The README, then docs/ in the order the README links them (a reader's order), then any others. */
const DOCUMENTS = ((): string[] => {
  const linked = [...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/\]\((docs\/[\w-]+\.md)[)#]/g)].map((m) => m[1]!);
  const all = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...new Set([...linked, ...all])];
})();
const COMMANDS: DocCommand[] = [];
for (const file of DOCUMENTS)
  COMMANDS.push(...shellCommands(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), COMMANDS.length ? COMMANDS[COMMANDS.length - 1]!.block + 1 : 0));

const AZURE =
  'needs an Azure subscription and the Azure Developer CLI (azd); nothing here can reach Azure (test/unit/infra checks the Bicep files and that the outputs and variables these commands name exist)';
const ES_CLUSTER = 'needs a real Elasticsearch cluster (its URL and key are placeholders); none runs on this machine';

/** Commands not run here, each with the reason. Matched on the exact command (comments aside). */
const SKIPPED: Record<string, string> = {
  'npm test': 'this test is part of `npm test`: running it here would run this test again, inside itself',
  "EventHubConnection='Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...' EVENT_HUB_NAME=meshgraph-events EVENT_HUB_CONSUMER_GROUP=laptop npm start":
    'needs a live Event Hub (the namespace and key are placeholders; no emulator can run here); test/unit/host/eventhub-consumer.test.ts runs the consumer with a stand-in client at the SDK boundary',
  'ELASTICSEARCH_URL=https://my-cluster.es.example:443 ELASTICSEARCH_API_KEY=... npm run test:es': ES_CLUSTER,
  'ES_URL=https://my-deployment.es.westeurope.azure.elastic-cloud.com': `${ES_CLUSTER} (docs/deploy.md: getting a key)`,
  'curl -sS -u elastic -X POST "$ES_URL/_security/api_key" -H \'Content-Type: application/json\' -d \'{ "name": "meshgraph", "role_descriptors": { "meshgraph": { "indices": [ { "names": ["meshgraph-*"], "privileges": ["all"] } ] } } }\'':
    ES_CLUSTER,
  'ELASTICSEARCH_URL=$ES_URL ELASTICSEARCH_API_KEY=<encoded key> npm run test:es': ES_CLUSTER,
  'azd auth login': AZURE,
  'azd up': AZURE,
  'azd provision': AZURE,
  'azd env get-value HOT_API_URL': AZURE,
  'azd env get-value COLD_API_URL': AZURE,
  'azd env get-value EVENT_HUBS_NAMESPACE_FQDN': AZURE,
  'azd env get-value EVENT_HUB_NAME': AZURE,
  'azd env set ELASTICSEARCH_CLUSTER_URL https://my-deployment.es.westeurope.azure.elastic-cloud.com': AZURE,
  'azd env set ELASTICSEARCH_CLUSTER_API_KEY <encoded key>': AZURE,
  'azd env set DURABLE_BACKEND DurableTaskScheduler': AZURE,
  'cd ~/somewhere && npm install /path/to/meshgraph-0.1.0.tgz':
    'placeholder folders, and a real install compiles better-sqlite3 (~80 s); test/integration/cli/pack.test.ts installs the packed tarball into an empty folder (from the npm cache, with the compiled binary copied) and runs its commands there',
  'npx meshgraph start':
    "runs in the folder of the install above (skipped); test/integration/cli/pack.test.ts starts the installed package's host and stops it with Ctrl-C",
};

interface Context {
  work: string;
  env: NodeJS.ProcessEnv;
  port: number;
  url: string;
  azurite: AzuritePorts;
  scratch: string;
  host?: Job;
  azuritePid?: number;
  pg?: TestPostgres;
  jobs: Job[];
}

type Check = (run: Run, ctx: Context, command: DocCommand) => void | Promise<void>;

type Rule = { match: string | RegExp } & (
  | { kind: 'terminal'; prepare?: (ctx: Context) => void | Promise<void>; check: Check; timeoutMs?: number }
  /** The README's `npm start`: everything after it talks to it; Ctrl-C at the end. `runs` says what of it runs, when not all. */
  | { kind: 'main-host'; runs: string; why: string }
  /** Another way to start the host: run once the main host is stopped, checked, stopped with Ctrl-C. */
  | { kind: 'other-host'; check: (url: string, ctx: Context) => Promise<void> }
  /** A command that runs until Ctrl-C: started, driven, interrupted, then its output checked. */
  | {
      kind: 'until-ctrl-c';
      needs?: () => string | undefined;
      prepare: (ctx: Context) => Promise<void>;
      drive: (job: Job, ctx: Context) => Promise<void>;
      check: Check;
    }
);

// ---- checks ---------------------------------------------------------------------------------

function ran(run: Run, command: DocCommand): void {
  assert.equal(run.status, 0, `${command.where} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
}

/**
 * A command that runs until Ctrl-C ended by itself once interrupted. Its exit status says little:
 * npm and npx end by the SIGINT they forwarded (a terminal shows 130) whatever their script
 * returned, so the output tells whether it stopped well.
 */
function stopped(run: Run, command: DocCommand): void {
  assert.notEqual(run.status, null, `${command.where} still ran 60 s after Ctrl-C:\n${run.stdout}\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /npm error|Error:/, `${command.where} ended with an error`);
}

/** The answer of a curl line: exit 0, JSON, neither GraphQL errors nor a problem+json. */
function curlJson(run: Run, command: DocCommand): any {
  ran(run, command);
  let body: any;
  assert.doesNotThrow(() => (body = JSON.parse(run.stdout)), `${command.where} did not answer JSON: ${run.stdout}`);
  assert.equal(body.errors, undefined, `${command.where} answered errors: ${run.stdout}`);
  assert.ok(!(typeof body.status === 'number' && body.status >= 400), `${command.where} answered a problem: ${run.stdout}`);
  if (command.shownOutput?.startsWith('{')) sameShape(body, JSON.parse(command.shownOutput), command);
  return body;
}

/** What the README shows a command printing (`# {...}`): the same, times (`*Ms`) aside. */
function sameShape(actual: Record<string, unknown>, shown: Record<string, unknown>, command: DocCommand): void {
  assert.deepEqual(
    Object.keys(actual).sort(),
    Object.keys(shown).sort(),
    `${command.where}: the README shows ${JSON.stringify(shown)}, it printed ${JSON.stringify(actual)}`,
  );
  for (const [k, v] of Object.entries(shown)) {
    if (k.endsWith('Ms')) assert.equal(typeof actual[k], 'number', `${command.where}: ${k}`);
    else assert.deepEqual(actual[k], v, `${command.where}: ${k} (the README shows ${JSON.stringify(shown)})`);
  }
}

async function get(ctx: Context, pathname: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${ctx.url}${pathname}`);
  const text = await res.text();
  return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
}

/** Polls until `check` holds (the host applies changes asynchronously); fails with the last value after `ms`. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) assert.fail(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const node = (ctx: Context, type: string, id: string) => get(ctx, `/api/nodes/${type}/${encodeURIComponent(id)}`);

// ---- preparing what the README's commands name --------------------------------------------

/** Source files from the demo generator (another seed than `npm run demo`'s), once. */
function demoSources(ctx: Context): string {
  const dir = path.join(ctx.scratch, 'sources');
  if (!fs.existsSync(dir))
    execFileSync(process.execPath, ['cli/bin.cjs', 'demo', 'generate', '--customers', '20', '--seed', '2', '--format', 'csv', '--out', dir], {
      cwd: ctx.work,
      env: ctx.env,
      stdio: 'ignore',
    });
  return dir;
}

async function writeCustomersWorkbook(ctx: Context): Promise<void> {
  const [header, ...rows] = parseCsv(fs.readFileSync(path.join(demoSources(ctx), 'customer.csv'), 'utf8'));
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Customers');
  sheet.addRow(header!.fields);
  for (const row of rows) sheet.addRow(row.fields);
  await book.xlsx.writeFile(path.join(ctx.work, 'customers.xlsx'));
}

const dataRows = (file: string) => parseCsv(fs.readFileSync(file, 'utf8')).length - 1;

/** A database of the private cluster, owned by the README's user `app` (a replication role). */
async function database(ctx: Context, name: string, sql: string): Promise<string> {
  if (!ctx.pg) {
    ctx.pg = await startTestPostgres();
    const admin = new Client({ connectionString: ctx.pg.url });
    await admin.connect();
    await admin.query('CREATE ROLE app LOGIN REPLICATION');
    await admin.end();
  }
  const admin = new Client({ connectionString: ctx.pg.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} OWNER app`);
  await admin.end();
  const url = `postgres://app@127.0.0.1:${ctx.pg.port}/${name}`;
  await query(url, sql);
  return url;
}

async function query(url: string, sql: string): Promise<any[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(sql)).rows;
  } finally {
    await db.end();
  }
}

// ---- the rules, most specific first ---------------------------------------------------------

const REGISTERED = 'query ReadmeCustomer($id: ID!) { customer(id: $id) { name } }\n';
let billingUrl = '';
let retailUrl = '';

const RULES: Rule[] = [
  {
    match: 'npm ci && npm start',
    kind: 'main-host',
    runs: 'npm start',
    why: '`npm ci` reinstalls node_modules, which this copy shares with the checkout running the test (and it compiles better-sqlite3, ~80 s); CI runs it before `npm test` (.ci/run)',
  },
  {
    match: 'npm run demo',
    kind: 'terminal',
    timeoutMs: 300_000,
    check: async (run, ctx, command) => {
      ran(run, command);
      const sent = Number(/sent (\d+) events; \1 accepted, 0 rejected/.exec(run.stderr + run.stdout)?.[1]);
      assert.ok(sent >= 10_000 && sent < 12_000, `the README says ~11k events; ${run.stderr}`);
      assert.match(run.stdout, /meshgraph demo: [\d,]+ nodes \(1000 customers searchable\)/);
      // "It ends by printing three example queries (curl lines to paste) and the GraphiQL address"
      assert.ok(run.stdout.includes(`GraphiQL (open in a browser): ${ctx.url}/api/graphql`), run.stdout);
      const pasted = run.stdout.split('\n').filter((l) => l.startsWith('curl '));
      assert.equal(pasted.length, 3, run.stdout);
      const terminal = new Terminal(ctx.work, ctx.env, path.join(ctx.scratch, 'demo-curls'));
      try {
        for (const line of pasted) {
          const answer = await terminal.run(line, 60_000);
          const printed: DocCommand = { where: `npm run demo's "${line.slice(0, 60)}…"`, text: line, key: line, block: -1 };
          if (/ -o (\S+)/.test(line)) {
            ran(answer, printed);
            assert.match(fs.readFileSync(path.join(ctx.work, / -o (\S+)/.exec(line)![1]!), 'utf8'), /^<svg/);
          } else assert.ok(JSON.stringify(curlJson(answer, printed).data).length > 50, answer.stdout);
        }
      } finally {
        await terminal.close();
      }
    },
  },
  {
    match: /^curl -s -X POST 'http:\/\/localhost:7071\/api\/events\?wait=true'/,
    kind: 'terminal',
    check: (run, _ctx, command) => void curlJson(run, command), // and the answer the README shows after it
  },
  {
    match: 'npx meshgraph ingest customers.xlsx --source crm',
    kind: 'terminal',
    prepare: writeCustomersWorkbook,
    check: (run, ctx, command) => {
      ran(run, command);
      const rows = dataRows(path.join(demoSources(ctx), 'customer.csv'));
      // The README's comment: sheet "Customers" -> crm.customer.row
      assert.match(
        run.stdout,
        new RegExp(
          `^customers\\.xlsx \\[Customers\\] as crm\\.customer\\.row to ${ctx.url}: ${rows} rows read, ${rows} sent, ${rows} accepted, 0 rejected`,
          'm',
        ),
      );
    },
  },
  {
    match: 'npx meshgraph ingest subscriptions.csv --source billing --type subscription --url http://localhost:7071',
    kind: 'terminal',
    prepare: (ctx) => fs.copyFileSync(path.join(demoSources(ctx), 'subscription.csv'), path.join(ctx.work, 'subscriptions.csv')),
    check: (run, ctx, command) => {
      ran(run, command);
      const rows = dataRows(path.join(ctx.work, 'subscriptions.csv'));
      assert.match(
        run.stdout,
        new RegExp(`^subscriptions\\.csv as billing\\.subscription\\.row to ${ctx.url}: ${rows} rows read, ${rows} sent, ${rows} accepted, 0 rejected`, 'm'),
      );
    },
  },
  {
    match: 'npx meshgraph cdc postgres --url postgres://app@localhost/billing --source billing --publication mesh --slot meshgraph',
    kind: 'until-ctrl-c',
    needs: postgresMissing,
    prepare: async (ctx) => {
      // The billing tables of the sample data product (table `accounts` is the record billing.account.row).
      billingUrl = await database(
        ctx,
        'billing',
        `
        CREATE TABLE accounts (account_id text PRIMARY KEY, customer_no text, status_code char(1), balance_cents bigint, currency text);
        CREATE TABLE subscriptions (subscription_id text PRIMARY KEY, account_id text, msisdn text, plan_code text, status text, activated_at timestamptz);
        INSERT INTO accounts VALUES ('A-README-1', 'c1', 'A', 1050, 'EUR');
        CREATE PUBLICATION mesh FOR TABLE accounts, subscriptions;`,
      );
    },
    drive: async (job, ctx) => {
      await job.waitFor(/capturing publication mesh through slot meshgraph/, 60_000);
      await eventually(
        () => node(ctx, 'Account', 'A-README-1'),
        (n) => n.body?.fields?.balance === 10.5,
        'the row already there (snapshot)',
      );
      await query(
        billingUrl,
        `UPDATE accounts SET balance_cents = 2000 WHERE account_id = 'A-README-1'; INSERT INTO subscriptions VALUES ('S-README-1', 'A-README-1', '+4470000001', NULL, 'active', '2024-05-01T10:00:00Z')`,
      );
      await eventually(
        () => node(ctx, 'Account', 'A-README-1'),
        (n) => n.body?.fields?.balance === 20,
        'the update',
      );
      await eventually(
        () => node(ctx, 'Line', 'S-README-1'),
        (n) => n.body?.fields?.status === 'active',
        'the insert',
      );
    },
    check: (run, _ctx, command) => {
      stopped(run, command);
      assert.match(run.stdout, /^cdc: 1 snapshot rows and 2 changes sent, \d+ accepted, 0 rejected; confirmed up to [0-9A-F]+\/[0-9A-F]+/m);
    },
  },
  {
    match: 'npx meshgraph cdc postgres --url postgres://app@localhost/retail --source retail --outbox',
    kind: 'until-ctrl-c',
    needs: postgresMissing,
    prepare: async (ctx) => {
      // The outbox table of docs/connectors.md, written by the store register's own transactions.
      retailUrl = await database(
        ctx,
        'retail',
        `
        CREATE TABLE outbox (id bigserial PRIMARY KEY, type text NOT NULL, subject text, data jsonb, source text, event_id text, published_at timestamptz);
        INSERT INTO outbox (type, data) VALUES ('retail.store.row', '{"store_no": "ST-README-1", "store_name": "README Corner", "town": "Lisbon", "rev": 1}');`,
      );
    },
    drive: async (job, ctx) => {
      await eventually(
        () => node(ctx, 'Store', 'ST-README-1'),
        (n) => n.body?.fields?.name === 'README Corner',
        'the row already in the outbox',
      );
      await query(
        retailUrl,
        `INSERT INTO outbox (type, data) VALUES ('retail.store.row', '{"store_no": "ST-README-1", "store_name": "README Corner Shop", "town": "Lisbon", "rev": 2}')`,
      );
      await eventually(
        () => node(ctx, 'Store', 'ST-README-1'),
        (n) => n.body?.fields?.name === 'README Corner Shop',
        'a row added while it runs',
      );
      await eventually(
        () => query(retailUrl, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'),
        (r) => r[0].n === 0,
        'every row marked published',
      );
      void job;
    },
    check: (run, _ctx, command) => {
      stopped(run, command);
      assert.match(run.stdout, /^outbox: 2 rows published \(2 accepted, 0 rejected\)/m);
    },
  },
  {
    match: /^curl -s http:\/\/localhost:7071\/api\/graphql -H 'content-type: application\/json' -d '\{"query":"\{ searchCustomers\(query: \\"lovelace\\"/,
    kind: 'terminal',
    check: (run, _ctx, command) => {
      const body = curlJson(run, command);
      // Ada Lovelace, sent by the curl line above it.
      assert.ok(
        body.data.searchCustomers.edges.some((e: any) => e.node.id === 'Customer:c1' && e.node.name === 'Ada Lovelace'),
        run.stdout,
      );
      assert.ok(body.data.searchCustomers.facets.length > 0, run.stdout);
    },
  },
  {
    match: /^curl -s http:\/\/localhost:7071\/api\/graphql -H "x-ms-client-principal: \$P"/,
    kind: 'terminal',
    check: (run, _ctx, command) => {
      // With the role, personal data answers without a FORBIDDEN_FIELD error.
      assert.deepEqual(curlJson(run, command).data, { customer: { name: 'Ada Lovelace', email: null } });
    },
  },
  {
    match: /^curl -s -H "x-ms-client-principal: \$P" http:\/\/localhost:7071\/api\/nodes\/Customer\/c1$/,
    kind: 'terminal',
    check: (run, _ctx, command) => {
      const body = curlJson(run, command);
      assert.equal(body.id, 'Customer:c1');
      assert.equal(body.fields.name, 'Ada Lovelace');
      assert.equal(body.masked, undefined, 'with the role nothing is masked');
    },
  },
  {
    match: 'npm run meshgraph -- queries register app-queries.graphql --out manifest.json',
    kind: 'terminal',
    prepare: (ctx) => fs.writeFileSync(path.join(ctx.work, 'app-queries.graphql'), REGISTERED),
    check: (run, ctx, command) => {
      ran(run, command);
      const hash = /^([0-9a-f]{64}) {2}ReadmeCustomer$/m.exec(run.stdout)?.[1]; // "prints hash  name"
      assert.ok(hash, run.stdout);
      const manifest = JSON.parse(fs.readFileSync(path.join(ctx.work, 'manifest.json'), 'utf8'));
      assert.equal(manifest.operations[0].sha256Hash, hash);
    },
  },
  {
    match: 'MESH_GRAPHQL_PERSISTED_QUERIES=safelist npm start',
    kind: 'other-host',
    check: async (url, ctx) => {
      const { operations } = JSON.parse(fs.readFileSync(path.join(ctx.work, 'manifest.json'), 'utf8'));
      const graphql = async (body: unknown) =>
        (
          await fetch(`${url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        ).json() as Promise<any>;
      const byHash = await graphql({ variables: { id: 'c1' }, extensions: { persistedQuery: { version: 1, sha256Hash: operations[0].sha256Hash } } });
      assert.deepEqual(byHash, { data: { customer: { name: 'Ada Lovelace' } } });
      const other = await graphql({ query: '{ customer(id: "c1") { name } }' });
      assert.equal(other.errors?.[0]?.extensions?.code, 'OPERATION_NOT_IN_SAFELIST', JSON.stringify(other));
      // The first host's entity state, read from the actors: Azurite saved it at Ctrl-C.
      assert.equal(((await (await fetch(`${url}/api/nodes/Customer/c1`)).json()) as any).fields.name, 'Ada Lovelace');
    },
  },
  {
    match: 'npx meshgraph contracts build --out out/contracts',
    kind: 'terminal',
    check: (run, ctx, command) => {
      ran(run, command);
      const out = path.join(ctx.work, 'out/contracts');
      // The README's comment: schema.graphql, elasticsearch/*.json, jsonschema/*.json, contract.json
      for (const file of ['schema.graphql', 'contract.json']) assert.ok(fs.existsSync(path.join(out, file)), file);
      for (const dir of ['elasticsearch', 'jsonschema'])
        assert.ok(
          fs.readdirSync(path.join(out, dir)).some((f) => f.endsWith('.json')),
          dir,
        );
    },
  },
  {
    match: 'npx meshgraph contracts check --base out/contracts',
    kind: 'terminal',
    check: (run, _ctx, command) => {
      ran(run, command); // exit 1 only with a breaking change: none right after the build
      assert.match(run.stdout, /^0 breaking, 0 compatible change/m);
    },
  },
  {
    match: 'npx meshgraph demo generate --customers 1000 --out demo.ndjson',
    kind: 'terminal',
    check: (run, ctx, command) => {
      ran(run, command);
      const events = fs
        .readFileSync(path.join(ctx.work, 'demo.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.ok(events.length > 10_000, `${events.length} events`);
      assert.ok(events.every((e) => e.specversion === '1.0' && typeof e.type === 'string'));
    },
  },
  {
    match: 'npm pack',
    kind: 'terminal',
    timeoutMs: 120_000,
    check: (run, ctx, command) => {
      ran(run, command);
      const name = run.stdout.trim().split('\n').pop()!;
      assert.equal(name, command.comment, 'the tarball the README names');
      assert.ok(fs.statSync(path.join(ctx.work, name)).size > 100_000);
    },
  },
  // Generic rules: what a new command of these kinds gets without editing this file.
  {
    match: /^curl .*http:\/\/localhost:7071\//,
    kind: 'terminal',
    check: (run, _ctx, command) => void curlJson(run, command),
  },
  {
    match: /^(npx meshgraph|npm run meshgraph --) (?!start\b|cdc\b)/,
    kind: 'terminal',
    check: (run, _ctx, command) => ran(run, command),
  },
  {
    match: /^[A-Za-z_][A-Za-z0-9_]*=\$\([^]*\)$/, // a shell variable for the commands after it (P=$(...))
    kind: 'terminal',
    check: (run, _ctx, command) => ran(run, command),
  },
];

function ruleOf(command: DocCommand): Rule | undefined {
  return RULES.find((r) => (typeof r.match === 'string' ? r.match === command.key : r.match.test(command.key)));
}

/** The command as run: `localhost:7071` is this test's port (other hosts use 7071 here). */
const asRun = (text: string, ctx: Context) => text.replaceAll('localhost:7071', `localhost:${ctx.port}`);

/** A user's environment: none of the runner's npm or meshgraph settings. */
function userEnvironment(): NodeJS.ProcessEnv {
  const settings = /^(npm_|MESH_|PORT$|AzureWebJobsStorage|EventHubConnection|EVENT_HUB_|ELASTICSEARCH_|PG|NODE_OPTIONS$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !settings.test(k)));
}

/** The checkout's files as a clone has them (tracked and new, not ignored), node_modules linked. */
function copyCheckout(to: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status === 0) {
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted in the work tree
      fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(to, file));
    }
  } else {
    const skip = new Set(['node_modules', 'dist', '.data', '.git', 'out', 'tmp', '.azure']);
    fs.cpSync(ROOT, to, { recursive: true, filter: (src) => !skip.has(path.basename(src)) });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

/**
 * After Ctrl-C: "batches in flight finish, Azurite saves and stops" — the host and Azurite are
 * gone, their ports free, neither logged an error.
 */
async function stoppedCleanly(host: Job, ctx: Context, azuritePid: number): Promise<void> {
  const status = await host.interrupt(60_000);
  const output = `${host.stdout}\n${host.stderr}`;
  assert.notEqual(status, undefined, `still running 60 s after Ctrl-C:\n${output}`);
  assert.match(host.stdout, /stopping: finishing batches in flight/);
  assert.doesNotMatch(output, / ERROR |stop failed|npm error/, 'the host stopped without an error');
  assert.ok(!isOurAzurite(azuritePid, ctx), 'Azurite stopped');
  for (const port of [ctx.port, ctx.azurite.blob, ctx.azurite.queue, ctx.azurite.table]) assert.equal(await portOpen(port), false, `port ${port} is free`);
  const azuriteLog = path.join(ctx.env.MESH_DATA_DIR!, 'azurite', 'azurite.log');
  assert.doesNotMatch(fs.readFileSync(azuriteLog, 'utf8'), /Error/, 'Azurite stopped without an error');
}

function processGroup(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
}

/**
 * The pid of the Azurite a host says it started on the test's ports. It must be out of the
 * terminal's process group: Ctrl-C goes to the whole group, and an Azurite that got it would stop
 * under the batches the host is finishing (and crash on the host's own stop signal).
 */
function startedAzurite(host: Job, ctx: Context): number {
  const started = new RegExp(`started Azurite \\(pid (\\d+)\\) on ports ${ctx.azurite.blob}/${ctx.azurite.queue}/${ctx.azurite.table}`).exec(
    host.stderr + host.stdout,
  );
  assert.ok(started, `"Azurite starts by itself": ${host.stderr}`);
  const pid = Number(started[1]);
  assert.ok(isOurAzurite(pid, ctx), `pid ${pid} is the Azurite of ${ctx.env.MESH_DATA_DIR}`);
  assert.notEqual(processGroup(pid), host.child.pid, 'Azurite is not in the process group that Ctrl-C reaches');
  return pid;
}

/** Fails, with what the host printed, unless the host of `npm start` still runs. */
function hostRunning(ctx: Context): asserts ctx is Context & { host: Job } {
  assert.ok(ctx.host, 'the host of `npm start` started');
  assert.ok(ctx.host.running, `the host of \`npm start\` is running; it ended:\n${ctx.host.stdout}\n${ctx.host.stderr}`);
}

/**
 * Whether `pid` is the Azurite of the test's data directory. Pids are reused (within seconds on a
 * busy machine), so a pid alone never says so: its command line must name that location.
 */
function isOurAzurite(pid: number, ctx: Context): boolean {
  const location = path.join(fs.realpathSync(ctx.env.MESH_DATA_DIR!), 'azurite');
  const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 && ps.stdout.includes(`--location ${location} `);
}

describe("the README's commands, run as written", () => {
  let ctx: Context;
  const terminals = new Map<number, Terminal>();
  const terminal = (command: DocCommand) => {
    let t = terminals.get(command.block);
    if (!t) terminals.set(command.block, (t = new Terminal(ctx.work, ctx.env, path.join(ctx.scratch, `terminal-${command.block}`))));
    return t;
  };

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-readme-'));
    const work = path.join(dir, 'meshgraph');
    copyCheckout(work);
    const port = await freePort();
    const azurite = { blob: await freePort(), queue: await freePort(), table: await freePort() };
    const env = {
      ...userEnvironment(),
      PORT: String(port),
      MESH_DATA_DIR: path.join(dir, 'data'),
      AzureWebJobsStorage: connectionStringFor(azurite),
      // npm must not reach a registry from a test: a command that would download fails instead.
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
    };
    ctx = { work, env, port, url: `http://localhost:${port}`, azurite, scratch: path.join(dir, 'scratch'), jobs: [] };
    fs.mkdirSync(ctx.scratch);
  });

  after(async () => {
    for (const t of terminals.values()) await t.close();
    for (const job of ctx.jobs) job.kill();
    // The Azurite a host started (a process group of its own), if a failure left it running.
    const pidFile = path.join(ctx.env.MESH_DATA_DIR!, 'azurite', 'azurite.pid');
    const azurite = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : ctx.azuritePid;
    if (azurite && isOurAzurite(azurite, ctx)) process.kill(azurite, 'SIGKILL');
    ctx.pg?.stop();
    fs.rmSync(path.dirname(ctx.work), { recursive: true, force: true });
  });

  it('every command is run here, or skipped with its reason', () => {
    const unknown = COMMANDS.filter((c) => !(c.key in SKIPPED) && !ruleOf(c));
    assert.deepEqual(
      unknown.map((c) => `${c.where}: ${c.key}`),
      [],
      'commands with neither a rule nor a place on SKIPPED (give them one)',
    );
    const stale = Object.keys(SKIPPED).filter((k) => !COMMANDS.some((c) => c.key === k));
    assert.deepEqual(stale, [], 'SKIPPED names commands the documents no longer show');
    assert.equal(COMMANDS.filter((c) => ruleOf(c)?.kind === 'main-host').length, 1, 'one command starts the host the others talk to');
  });

  const later: Array<() => void> = [];
  for (const command of COMMANDS) {
    const title = `${command.where}: ${command.key.length > 100 ? `${command.key.slice(0, 100)}…` : command.key}`;
    const rule = command.key in SKIPPED ? undefined : ruleOf(command);
    if (!rule) {
      it(title, { skip: SKIPPED[command.key] ?? 'no rule (see the first test)' }, () => {});
      continue;
    }
    const missing = rule.kind === 'until-ctrl-c' ? rule.needs?.() : undefined;
    if (missing) {
      it(title, { skip: missing }, () => {});
      continue;
    }
    switch (rule.kind) {
      case 'main-host':
        it(`${title} (runs \`${rule.runs}\`: ${rule.why})`, async () => {
          const host = new Job(asRun(rule.runs, ctx), ctx.work, ctx.env);
          ctx.jobs.push(host);
          const running = await host.waitFor(/meshgraph is running: (\S+)/, 300_000);
          ctx.host = host;
          assert.equal(running[1], `${ctx.url}/api/health`);
          // "Azurite starts by itself" (nothing listened on its ports), "build both apps"
          ctx.azuritePid = startedAzurite(host, ctx);
          for (const app of ['hot', 'cold']) assert.ok(fs.existsSync(path.join(ctx.work, 'dist', app, 'main.js')), `dist/${app}/main.js`);
          assert.equal((await get(ctx, '/api/health')).status, 200);
        });
        break;
      case 'terminal':
        it(title, async () => {
          hostRunning(ctx);
          await rule.prepare?.(ctx);
          const run = await terminal(command).run(asRun(command.text, ctx), rule.timeoutMs ?? 120_000);
          await rule.check(run, ctx, command);
        });
        break;
      case 'until-ctrl-c':
        it(title, async () => {
          hostRunning(ctx);
          await rule.prepare(ctx);
          const job = new Job(asRun(command.text, ctx), ctx.work, { ...ctx.env, PGPORT: String(ctx.pg?.port ?? '') });
          ctx.jobs.push(job);
          await rule.drive(job, ctx);
          const status = await job.interrupt(60_000);
          await rule.check({ status: status ?? null, stdout: job.stdout, stderr: job.stderr }, ctx, command);
        });
        break;
      case 'other-host':
        later.push(() => {
          it(title, async () => {
            assert.ok(ctx.host && !ctx.host.running, 'the first host is stopped (both would take the same port)');
            const host = new Job(asRun(command.text, ctx), ctx.work, ctx.env);
            ctx.jobs.push(host);
            await host.waitFor(/meshgraph is running: /, 300_000);
            ctx.azuritePid = startedAzurite(host, ctx);
            await rule.check(ctx.url, ctx);
            await stoppedCleanly(host, ctx, ctx.azuritePid);
          });
        });
        break;
    }
  }

  it('Ctrl-C stops the host of `npm start` cleanly: batches finish, Azurite saves and stops', async () => {
    hostRunning(ctx);
    await stoppedCleanly(ctx.host, ctx, ctx.azuritePid!);
  });

  for (const register of later) register();
});
