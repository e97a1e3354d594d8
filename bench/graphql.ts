// GraphQL over HTTP through the local host at 100k nodes in the embedded SQLite index
// (BENCH_GRAPHQL_NODES), driven by autocannon (16 connections, BENCH_DURATION seconds per case).
// The host runs as `npm start` runs it (bench/served-host.ts: plain JavaScript, the hot app built,
// memory entity store; BENCH_HOST_SOURCE=1: the sources under tsx). Each case runs next to its baseline:
// - the floor: a no-op HTTP function (bench/fixtures/noop-http-app.ts) in the same host, through
//   the same programming model, doing what the bare server does (read and parse the body, answer
//   the precomputed response), vs a bare node:http server (goal >= 0.2x);
// - customer(id) with its accounts (variables, random ids) vs the floor (goal >= 0.9x: what
//   meshgraph's own code costs on top of any function) and vs the bare server that reads and
//   parses the same request and answers the precomputed response body (goal >= 0.5x, p99
//   <= 10 ms); these three run interleaved, BENCH_GRAPHQL_ROUNDS times (3), medians reported,
//   with the host's CPU time per request of the floor and of customer(id) (steadier than
//   requests/s on a shared machine);
//   the same with inline literal ids vs the variables form (goal within 20%);
// - a searchCustomers text + facet query (p99 <= 50 ms) and a 20-customer search with accounts,
//   each vs the bare server;
// - customer(id) on the standard executor (graphql-js) vs the bare server, and vs the jit run.
// The host and the bare server run in child processes, autocannon in this one: the load
// generator and the server share the 2 cores. BENCH_GRAPHQL_PROFILE=file.cpuprofile adds a
// profiled jit customer(id) run and a profiled no-op run (not figures) and writes the host's CPU
// profiles there and to file.floor.cpuprofile.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { median, report, type Figure } from './lib';
import { buildHost, spawnHost, type HostBuild, type ServedHost } from './served-host';

const CONTRACTS = 'contracts/telecom';
const NODES = Number(process.env.BENCH_GRAPHQL_NODES ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Math.max(1, Math.round(DURATION / 5));
/** Rounds of the floor, its bare baseline and customer(id), interleaved (medians reported). */
const ROUNDS = Number(process.env.BENCH_GRAPHQL_ROUNDS ?? 3);
const CONNECTIONS = 16;
const POOL = Number(process.env.BENCH_GRAPHQL_POOL ?? 20_000);

const FIELDS = 'id name segment city accounts { id status balance currency }';
const BY_ID = `query Customer($id: ID!) { customer(id: $id) { ${FIELDS} } }`;
const byIdInline = (id: string) => `query Customer { customer(id: ${JSON.stringify(id)}) { ${FIELDS} } }`;
// The facet filters take scalar variables: a variable of the recursive CustomerFilter type sends
// graphql-jit 0.8's compiler into endless recursion (it runs out of memory; reported on issue 7).
const searchQuery = (facet: 'segment' | 'city', first: number, selection: string) =>
  `query Search($q: String, $v: ${facet === 'segment' ? 'CustomerSegment' : 'String'}) { searchCustomers(query: $q, filter: {${facet}: {eq: $v}}, first: ${first}) { ${selection} } }`;
const SEARCH = 'totalCount edges { node { id name city segment } } facets { field buckets { value count } }';
const SEARCH_20 = 'edges { node { id name city accounts { id status balance } } }';

type Served = { child: ChildProcess; url: string };

// ---- the bare server (a child process) ----

/** Answers each request body (read and parsed, as any server must) with its precomputed response. */
function serveBare(file: string): void {
  const answers = new Map<string, string>(JSON.parse(fs.readFileSync(file, 'utf8')) as Array<[string, string]>);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      JSON.parse(text);
      const body = answers.get(text);
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body ?? '{}');
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }) + '\n'));
  process.on('SIGTERM', () => process.exit(0));
}

function spawnBare(answersFile: string): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve-bare', answersFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare server exited early with ${code}`)));
    lines.once('line', (line) => resolve({ child, url: (JSON.parse(line) as { url: string }).url }));
  });
}

async function stop(served: Served): Promise<void> {
  const exited = new Promise((r) => served.child.once('exit', r));
  served.child.kill('SIGTERM');
  await exited;
}

// ---- data ----

/** Customers with 1-2 accounts each (2.5 nodes per customer), names and cities Zipf-distributed. */
async function seed(dataDir: string): Promise<{ customers: number; searches: Array<{ facet: 'segment' | 'city'; q: string; v: string }> }> {
  const { openSqliteStore } = await import('../adapters/search/sqlite');
  const { compileDataProduct } = await import('../core/contracts/compile');
  const { indexSpecOf } = await import('../core/contracts/index-spec');
  const { telecom } = await import('../contracts/telecom');
  const words = await import('../contracts/telecom/demo-words');
  let state = 7;
  const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const zipf = <T>(xs: readonly T[]) => xs[Math.min(xs.length - 1, Math.floor(xs.length * rand() ** 2.5))]!;
  const model = compileDataProduct(telecom).model;
  const store = openSqliteStore(dataDir);
  for (const node of Object.values(model.types)) await store.swapAlias(node.name, (await store.createIndex(indexSpecOf(node, 1))).index);
  const customers = Math.round(NODES / 2.5);
  const t0 = performance.now();
  for (let from = 1; from <= customers; from += 1000) {
    const docs = [];
    for (let i = from; i < Math.min(from + 1000, customers + 1); i++) {
      const accounts = Array.from({ length: 1 + (i % 2) }, (_, k) => ({
        id: `a${i}-${k}`,
        status: k === 0 ? 'active' : rand() < 0.5 ? 'suspended' : 'closed',
        balance: Math.round(rand() * 50_000) / 100 - 100,
        currency: zipf(words.CURRENCIES),
      }));
      const segment = rand() < 0.7 ? 'consumer' : rand() < 0.8 ? 'business' : 'vip';
      const body = {
        id: `c${i}`,
        name: `${zipf(words.FIRST_NAMES)} ${zipf(words.LAST_NAMES)}`,
        email: `c${i}@${zipf(words.MAIL_DOMAINS)}`,
        phone: `+34${600000000 + i}`,
        segment,
        city: zipf(words.CITIES),
        createdAt: new Date(Date.UTC(2020, 0, 1) + i * 600_000).toISOString(),
        accounts: accounts.map((a) => a.id),
        interactions: [],
        accountSummaries: accounts.map(({ id, status, balance }) => ({ id, status, balance })),
        plans: [],
      };
      docs.push({ id: `Customer:c${i}`, type: 'Customer', version: 1, body });
      for (const a of accounts) docs.push({ id: `Account:${a.id}`, type: 'Account', version: 1, body: { ...a, owner: `c${i}`, lines: [] } });
    }
    const { failed } = await store.bulk(docs);
    if (failed.length > 0) throw new Error(`seeding failed: ${JSON.stringify(failed[0])}`);
  }
  await store.close();
  process.stderr.write(
    `seeded ${customers} customers and ${NODES - customers} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s (not part of any figure)\n`,
  );
  const texts = Array.from({ length: 400 }, (_, i) => (i % 2 ? zipf(words.FIRST_NAMES) : `${zipf(words.FIRST_NAMES)} ${zipf(words.LAST_NAMES)}`));
  const searches = texts.map((q, i) =>
    i % 3 ? { facet: 'segment' as const, q, v: rand() < 0.5 ? 'vip' : 'consumer' } : { facet: 'city' as const, q, v: zipf(words.CITIES) },
  );
  return { customers, searches };
}

/** Each body's response from the host (checked: 200, no errors), 16 requests at a time. */
async function answers(url: string, bodies: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const res = await fetch(`${url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
      const text = await res.text();
      if (res.status !== 200 || text.includes('"errors"')) throw new Error(`${bodies[i]} answered ${res.status}: ${text.slice(0, 300)}`);
      out.set(bodies[i]!, text);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return out;
}

// ---- load ----

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** The server's CPU time per request (user + system), when it was read. */
  cpuUs?: number;
}

/** `url` is a server's origin, or a function's URL when it ends in a path (default /api/graphql). */
async function load(url: string, bodies: string[], seconds = DURATION): Promise<Load> {
  const { default: autocannon } = await import('autocannon');
  const pick = () => bodies[Math.floor(Math.random() * bodies.length)]!;
  const result = await autocannon({
    url: new URL(url).pathname === '/' ? `${url}/api/graphql` : url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: pick() }) }],
  });
  if (result.errors || result.timeouts || result.non2xx)
    throw new Error(`load on ${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
  return { rps: result.requests.total / (result.duration || seconds), p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}

/** A warm-up, then the measured run. */
async function measure(label: string, url: string, bodies: string[]): Promise<Load> {
  await load(url, bodies, WARMUP);
  const m = await load(url, bodies);
  process.stderr.write(`${label}: ${Math.round(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms\n`);
  return m;
}

/**
 * The cases one after the other, ROUNDS times (each warmed up once): the median of each case's
 * requests/s and p99, so that a burst of load from elsewhere on the machine moves one round only.
 */
async function interleaved(cases: Array<[label: string, url: string, bodies: string[], cpu?: () => Promise<number>]>): Promise<Load[]> {
  const runs: Load[][] = cases.map(() => []);
  for (const [, url, bodies] of cases) await load(url, bodies, WARMUP);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [label, url, bodies, cpu]] of cases.entries()) {
      const before = await cpu?.();
      const m = await load(url, bodies);
      if (cpu) m.cpuUs = ((await cpu()) - before!) / m.requests;
      process.stderr.write(
        `${label} (round ${round + 1} of ${ROUNDS}): ${Math.round(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms${m.cpuUs === undefined ? '' : `, ${Math.round(m.cpuUs)} us of host CPU per request`}\n`,
      );
      runs[i]!.push(m);
    }
  }
  const med = (xs: Load[], key: keyof Load) => median(xs.map((x) => x[key] ?? NaN));
  return runs.map((xs) => ({ rps: med(xs, 'rps'), p50: med(xs, 'p50'), p99: med(xs, 'p99'), requests: med(xs, 'requests'), cpuUs: med(xs, 'cpuUs') }));
}

const rpsFigure = (figure: string, m: Load, base: Load, baselineLabel: string, goal?: number): Figure => ({
  figure,
  value: m.rps,
  unit: 'req/s',
  baseline: base.rps,
  baselineLabel,
  ratio: m.rps / base.rps,
  ...(goal === undefined ? {} : { goal: `>= ${goal}x`, met: m.rps / base.rps >= goal }),
});
const p99Figure = (figure: string, m: Load, base: Load, baselineLabel: string, goalMs?: number): Figure => ({
  figure,
  value: m.p99,
  unit: 'ms',
  baseline: base.p99,
  baselineLabel,
  ratio: m.p99 / base.p99,
  ...(goalMs === undefined ? {} : { goal: `<= ${goalMs} ms`, met: m.p99 <= goalMs }),
});

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-graphql-'));
  let bare: Served | undefined;
  let host: ServedHost | undefined;
  let build: HostBuild | undefined;
  const answersFile = path.join(dataDir, 'answers.json'); // written once the host answered; the no-op function reads it on its first request
  const hostEnv = (executor: string) => ({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    MESH_DATA_DIR: dataDir,
    EventHubConnection: '',
    MESH_CONTRACTS: CONTRACTS,
    MESH_GRAPHQL_EXECUTOR: executor,
    BENCH_NOOP_ANSWERS: answersFile,
  });
  try {
    const { customers, searches } = await seed(dataDir);
    const ids = Array.from({ length: Math.min(POOL, customers) }, () => `c${1 + Math.floor(Math.random() * customers)}`);
    const byId = ids.map((id) => JSON.stringify({ query: BY_ID, variables: { id } }));
    const byIdInlined = ids.map((id) => JSON.stringify({ query: byIdInline(id) }));
    const search = searches.map(({ facet, q, v }) => JSON.stringify({ query: searchQuery(facet, 10, SEARCH), variables: { q, v } }));
    const search20 = searches.map(({ facet, q, v }) => JSON.stringify({ query: searchQuery(facet, 20, SEARCH_20), variables: { q, v } }));

    build = await buildHost(CONTRACTS, [{ name: 'noop', entry: path.join(__dirname, 'fixtures/noop-http-app.ts') }]);
    host = await spawnHost(build, hostEnv('jit'));
    const expected = await answers(host.url, [...byId, ...search, ...search20]);
    const inlined = await answers(host.url, byIdInlined.slice(0, 200));
    byIdInlined.slice(0, 200).forEach((b, i) => {
      if (inlined.get(b) !== expected.get(byId[i]!)) throw new Error(`the inline form of ${ids[i]} answers differently`);
    });
    fs.writeFileSync(answersFile, JSON.stringify([...expected]));
    const floorUrl = `${host.url}/api/noop`;
    for (const body of byId.slice(0, 50)) {
      const res = await fetch(floorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if ((await res.text()) !== expected.get(body)) throw new Error('the no-op function does not answer what the GraphQL function answers');
    }
    bare = await spawnBare(answersFile);

    const [bareById, floor, jitById] = (await interleaved([
      ['bare http, customer(id)', bare.url, byId],
      ['no-op function (the floor), customer(id) bodies', floorUrl, byId, host.cpu],
      ['jit, customer(id) variables', host.url, byId, host.cpu],
    ])) as [Load, Load, Load];
    const jitInline = await measure('jit, customer(id) inline literals', host.url, byIdInlined);
    const bareSearch = await measure('bare http, search', bare.url, search);
    const jitSearch = await measure('jit, searchCustomers text + facet', host.url, search);
    const bareSearch20 = await measure('bare http, search 20 with accounts', bare.url, search20);
    const jitSearch20 = await measure('jit, 20 customers with accounts', host.url, search20);

    const profile = process.env.BENCH_GRAPHQL_PROFILE;
    if (profile) {
      const floorProfile = profile.replace(/(\.cpuprofile)?$/, '.floor.cpuprofile');
      for (const [url, file, what] of [
        [host.url, profile, 'the jit customer(id) run'],
        [floorUrl, floorProfile, 'the no-op function run'],
      ] as const) {
        await load(url, byId, WARMUP);
        await host.profile(file, () => load(url, byId));
        process.stderr.write(`host CPU profile of ${what}: ${file}\n`);
      }
    }

    await host.stop();
    host = await spawnHost(build, hostEnv('standard'));
    await answers(host.url, byId.slice(0, 2000));
    const bareById2 = await measure('bare http, customer(id)', bare.url, byId);
    const stdById = await measure('standard, customer(id) variables', host.url, byId);

    const n = `${NODES.toLocaleString('en-US')} nodes`;
    report(`graphql (${n}, ${CONNECTIONS} connections, ${DURATION} s per case; autocannon and the host share 2 cores)`, [
      rpsFigure('no-op HTTP function through the host (the floor)', floor, bareById, 'req/s bare http', 0.2),
      p99Figure('no-op HTTP function through the host, p99', floor, bareById, 'ms bare http'),
      rpsFigure('customer(id) + accounts, variables, jit, vs the floor', jitById, floor, 'req/s no-op function', 0.9),
      { figure: 'host CPU per request, no-op function', value: floor.cpuUs!, unit: 'us' },
      {
        figure: 'host CPU per request, customer(id) + accounts, jit',
        value: jitById.cpuUs!,
        unit: 'us',
        baseline: floor.cpuUs!,
        baselineLabel: 'us no-op function',
        ratio: jitById.cpuUs! / floor.cpuUs!,
      },
      rpsFigure('customer(id) + accounts, variables, jit', jitById, bareById, 'req/s bare http', 0.5),
      p99Figure('customer(id) + accounts, variables, jit, p99', jitById, bareById, 'ms bare http', 10),
      rpsFigure('customer(id) + accounts, inline literals, jit', jitInline, jitById, 'req/s variables form', 0.8),
      p99Figure('customer(id) + accounts, inline literals, jit, p99', jitInline, jitById, 'ms variables form', 10),
      rpsFigure('searchCustomers text + facet, first 10', jitSearch, bareSearch, 'req/s bare http'),
      p99Figure('searchCustomers text + facet, first 10, p99', jitSearch, bareSearch, 'ms bare http', 50),
      rpsFigure('searchCustomers, 20 with accounts', jitSearch20, bareSearch20, 'req/s bare http'),
      p99Figure('searchCustomers, 20 with accounts, p99', jitSearch20, bareSearch20, 'ms bare http'),
      rpsFigure('customer(id) + accounts, variables, standard', stdById, bareById2, 'req/s bare http'),
      p99Figure('customer(id) + accounts, variables, standard, p99', stdById, bareById2, 'ms bare http'),
      { figure: 'customer(id): jit over standard (each / its bare run)', value: jitById.rps / bareById.rps / (stdById.rps / bareById2.rps), unit: 'x' },
    ]);
  } finally {
    await host?.stop();
    if (bare) await stop(bare);
    build?.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const [mode, arg] = process.argv.slice(2);
const run = mode === '--serve-bare' && arg ? Promise.resolve(serveBare(arg)) : main();
run.catch((err) => {
  console.error(err);
  process.exit(1);
});
