// Connectors: rows/s from a generated .csv and .xlsx (crm.customer.row) through `meshgraph ingest`
// (the command, in a process of its own) into the local host (its default store, SQLite), accepted,
// applied, and for the CSV searchable (a count of the index finds every row), against just reading
// the same file with the same library (the CSV parser; exceljs's streaming reader) in the same run. Postgres:
// pgbench-style single-row updates through CDC into the graph: changes/s until all are applied,
// against pgbench's own commit rate, and the lag from commit to searchable (p50/p99), probed by a
// row updated every 100 ms while pgbench runs.
// BENCH_CONNECTOR_ROWS (default 20,000; 1000000 for the 1M-row figures), BENCH_CONNECTOR_FORMATS
// (default csv,xlsx), BENCH_STORE (default sqlite), BENCH_PG_UPDATES (default 5,000; 0 skips it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { loadDataProduct } from '../adapters/contracts/load';
import { startHost } from '../host/main';
import { openSqliteStore } from '../adapters/search/sqlite';
import { CsvParser, type CsvRecord } from '../connectors/files/csv';
import { HttpSink } from '../connectors/publish';
import { runCdc } from '../connectors/postgres/cdc';
import { postgresMissing, startTestPostgres } from '../host/harness/postgres';
import { startTestAzurite } from '../host/harness/azurite';
import type { HostStoreKind } from '../core/config';
import { report, type Figure } from './lib';

const ROWS = Number(process.env.BENCH_CONNECTOR_ROWS ?? 20_000);
const PG_UPDATES = Number(process.env.BENCH_PG_UPDATES ?? 5_000);
const FORMATS = (process.env.BENCH_CONNECTOR_FORMATS ?? 'csv,xlsx').split(',') as Array<'csv' | 'xlsx'>;
const STORE = (process.env.BENCH_STORE ?? 'sqlite') as HostStoreKind;
const BIN = path.join(__dirname, '../cli/bin.cjs');
const PG_ACCOUNTS = 1_000;
const HEADER = ['Customer No', 'Full Name', 'E-mail', 'Segment', 'City', 'Created On', 'Deleted', 'Row Version'];
const SEGMENTS = ['Consumer', 'Business', 'VIP'];

function rowOf(i: number): (string | number)[] {
  return [`K${i}`, `Customer ${i}`, `c${i}@example.org`, SEGMENTS[i % 3]!, `City ${i % 97}`, `20${10 + (i % 14)}-0${1 + (i % 9)}-1${i % 10}`, 'N', 1];
}

async function writeFiles(dir: string): Promise<{ csv: string; xlsx: string }> {
  const csv = path.join(dir, 'customers.csv');
  const xlsx = path.join(dir, 'customers.xlsx');
  if (!FORMATS.includes('csv')) return { csv, xlsx: await writeXlsx(xlsx) };
  const out = fs.createWriteStream(csv);
  out.write(HEADER.join(',') + '\n');
  for (let i = 0; i < ROWS; i++) if (!out.write(rowOf(i).join(',') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(() => r()));
  return { csv, xlsx: FORMATS.includes('xlsx') ? await writeXlsx(xlsx) : xlsx };
}

async function writeXlsx(xlsx: string): Promise<string> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: false });
  const ws = wb.addWorksheet('Customers');
  ws.addRow(HEADER).commit();
  for (let i = 0; i < ROWS; i++) ws.addRow(rowOf(i)).commit();
  ws.commit();
  await wb.commit();
  return xlsx;
}

/** `meshgraph ingest FILE --source crm --url URL`, as a user runs it; resolves when it exits 0. */
function ingestCommand(file: string, url: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'ingest', file, '--source', 'crm', '--url', url], {
    cwd: path.join(__dirname, '..'),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`meshgraph ingest exited ${code}: ${stderr}`)))),
  );
}

/** Reading only: the baseline each file's figure is a ratio against. */
async function readOnly(file: string): Promise<number> {
  const t0 = performance.now();
  let rows = 0;
  if (file.endsWith('.csv')) {
    const parser = new CsvParser();
    const out: CsvRecord[] = [];
    for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 }) as AsyncIterable<string>) {
      parser.push(chunk, out);
      rows += out.length;
      out.length = 0;
    }
  } else {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    for await (const ws of reader) for await (const row of ws as unknown as AsyncIterable<ExcelJS.Row>) rows += row.number > 0 ? 1 : 0;
  }
  return (rows - 1) / ((performance.now() - t0) / 1000);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-connectors-'));
  Object.assign(process.env, { MESH_DATA_DIR: dir, MESH_CONTRACTS: 'contracts/telecom', EventHubConnection: '' });
  const product = await loadDataProduct('contracts/telecom');
  const files = await writeFiles(dir);
  const figures: Figure[] = [];
  spawnSync(process.execPath, [BIN, '--help'], { stdio: 'ignore' }); // builds the command line's bundle if stale, before any timing
  // The host's Azurite (dead letters; entities too on --store azurite) on free ports of its own.
  const azurite = STORE === 'memory' ? undefined : await startTestAzurite();
  if (azurite) process.env.AzureWebJobsStorage = azurite.connectionString;
  const host = await startHost({ apps: [{ name: 'hot', entry: path.join(__dirname, '../functions/index.ts') }], port: 0, store: STORE, log: () => {} });
  const index = openSqliteStore(dir);
  try {
    for (const kind of FORMATS) {
      const file = files[kind];
      const reading = await readOnly(file);
      const t0 = performance.now();
      await ingestCommand(file, host.url);
      const acceptedSeconds = (performance.now() - t0) / 1000;
      await host.runtime.idle();
      const appliedSeconds = (performance.now() - t0) / 1000;
      const rows = `${ROWS.toLocaleString('en-US')} rows, ${STORE} store`;
      const accepted = ROWS / acceptedSeconds;
      figures.push({
        figure: `${kind} rows/s accepted by the host, ${rows}`,
        value: accepted,
        unit: 'rows/s',
        baseline: reading,
        baselineLabel: `reading only`,
        ratio: accepted / reading,
      });
      figures.push({
        figure: `${kind} rows/s applied (in the graph), ${rows}`,
        value: ROWS / appliedSeconds,
        unit: 'rows/s',
        baseline: reading,
        baselineLabel: `reading only`,
        ratio: ROWS / appliedSeconds / reading,
      });
      if (kind !== 'csv') continue; // the same rows again change nothing the index shows
      while ((await index.count('Customer')) < ROWS) await new Promise((r) => setTimeout(r, 50));
      const searchableSeconds = (performance.now() - t0) / 1000;
      figures.push({
        figure: `csv to searchable, ${rows}`,
        value: searchableSeconds,
        unit: 's',
        baseline: ROWS / reading,
        baselineLabel: 's reading only',
        ratio: searchableSeconds / (ROWS / reading),
      });
    }

    const missing = PG_UPDATES === 0 ? 'BENCH_PG_UPDATES=0' : postgresMissing();
    if (missing) process.stderr.write(`postgres figures skipped: ${missing}\n`);
    else figures.push(...(await postgresFigures(host.url, () => host.runtime.idle(), product, dir, index)));
  } finally {
    await index.close();
    await host.stop();
    await azurite?.stop();
  }
  report(`connectors (${ROWS} file rows, ${PG_UPDATES} Postgres updates)`, figures);
}

async function postgresFigures(
  hostUrl: string,
  idle: () => Promise<void>,
  product: Awaited<ReturnType<typeof loadDataProduct>>,
  dir: string,
  index: ReturnType<typeof openSqliteStore>,
): Promise<Figure[]> {
  const pg = await startTestPostgres();
  const db = new Client({ connectionString: pg.url });
  await db.connect();
  const stop = new AbortController();
  const sink = new HttpSink(hostUrl);
  try {
    await db.query(`CREATE TABLE account (account_id text PRIMARY KEY, customer_no text, status_code char(1), balance_cents bigint, currency text);
      INSERT INTO account SELECT 'P' || i, NULL, 'A', 0, 'EUR' FROM generate_series(0, ${PG_ACCOUNTS}) i;
      CREATE PUBLICATION bench FOR TABLE account;`);
    let confirmed = 0;
    const cdc = runCdc({
      url: pg.url,
      publication: 'bench',
      slot: 'bench',
      source: 'billing',
      product,
      sink,
      stateDir: path.join(dir, 'cdc'),
      log: () => {},
      signal: stop.signal,
      onConfirmed: (_l, s) => (confirmed = s.changes),
    });
    // Wait for the snapshot to be in the graph before timing the stream.
    while (!(await index.get('Account', `Account:P${PG_ACCOUNTS}`))) await new Promise((r) => setTimeout(r, 50));
    const script = path.join(pg.dir, 'update.sql');
    fs.writeFileSync(
      script,
      `\\set aid random(0, ${PG_ACCOUNTS - 1})\n\\set delta random(-5000, 5000)\nUPDATE account SET balance_cents = balance_cents + :delta WHERE account_id = 'P' || :aid;\n`,
    );
    // A probe row updated every 100 ms: commit time → the time its value is searchable.
    const probes = new Map<number, number>();
    const lags: number[] = [];
    let probe = 0;
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probe++;
        await db.query(`UPDATE account SET balance_cents = ${probe} WHERE account_id = 'P${PG_ACCOUNTS}'`);
        probes.set(probe, performance.now());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const watcher = (async () => {
      let seen = 0;
      while (probing || seen < probe) {
        const balance = Math.round(Number((await index.get('Account', `Account:P${PG_ACCOUNTS}`))?.body.balance ?? 0) * 100);
        const now = performance.now();
        for (let k = seen + 1; k <= balance; k++) if (probes.has(k)) lags.push(now - probes.get(k)!);
        seen = Math.max(seen, balance);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const t0 = performance.now();
    // Asynchronously: the connector runs in this process.
    const pgbench = spawn(
      path.join(pg.bin, 'pgbench'),
      ['-n', '-f', script, '-t', String(Math.ceil(PG_UPDATES / 2)), '-c', '2', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'postgres'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    pgbench.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const status = await new Promise<number | null>((r) => pgbench.on('close', r));
    if (status !== 0) throw new Error(`pgbench failed: ${stderr}`);
    const pgbenchSeconds = (performance.now() - t0) / 1000;
    const updates = Math.ceil(PG_UPDATES / 2) * 2;
    probing = false;
    await prober;
    const target = updates + probe;
    while (confirmed < target) await new Promise((r) => setTimeout(r, 20));
    await watcher;
    await idle();
    const appliedSeconds = (performance.now() - t0) / 1000;
    stop.abort();
    await cdc;
    const rate = updates / appliedSeconds;
    const pgbenchRate = updates / pgbenchSeconds;
    return [
      {
        figure: `Postgres row changes/s, CDC to searchable (${updates.toLocaleString('en-US')} updates)`,
        value: rate,
        unit: 'changes/s',
        baseline: pgbenchRate,
        baselineLabel: 'pgbench commits/s',
        ratio: rate / pgbenchRate,
      },
      { figure: 'Postgres commit to searchable lag, p50', value: percentile(lags, 50), unit: 'ms' },
      { figure: `Postgres commit to searchable lag, p99 (${lags.length} probes)`, value: percentile(lags, 99), unit: 'ms' },
    ];
  } finally {
    stop.abort();
    await sink.close();
    await db.end();
    pg.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
