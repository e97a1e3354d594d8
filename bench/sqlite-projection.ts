// SQLite projection store figures, each against a baseline of the same run:
// - bulk upserts of customer documents vs a bare better-sqlite3 insert loop of the same rows
//   (id primary key, version, JSON body; same pragmas, same 1,000-row transactions), the two taking
//   turns 10,000 documents at a time so both see the same load, at each size in BENCH_DOCS
//   (default 100000,1000000); then the refresh that makes them searchable, as bulk + refresh;
// - text + facet filter page latency p50/p99 at the largest size vs the straightforward FTS5
//   query (ORDER BY rank over every match, exact total) on the same data. Single first names
//   are very common words here (the commonest is in about a quarter of all documents).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { validateDataProduct } from '../core/contracts';
import { telecom } from '../contracts/telecom';
import { indexSpecOf } from '../core/contracts/index-spec';
import type { IndexSpec, ProjectionDoc } from '../core/projection/port';
import { openSqliteStore } from '../adapters/search/sqlite';
import { report, type Figure } from './lib';

const SIZES = (process.env.BENCH_DOCS ?? '100000,1000000').split(',').map(Number);
const BATCH = 1000;
const INTERLEAVE = 10_000;
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const FIRST = [
  'ana',
  'ben',
  'carla',
  'dmitri',
  'eva',
  'farid',
  'grace',
  'hugo',
  'ines',
  'jon',
  'kenji',
  'lea',
  'mario',
  'nina',
  'omar',
  'paula',
  'quentin',
  'rosa',
  'sven',
  'tara',
  'ugo',
  'vera',
  'wim',
  'xena',
  'yusuf',
  'zoe',
];
const LAST = Array.from({ length: 400 }, (_, i) => `${['berg', 'son', 'ez', 'ini', 'ova', 'sen'][i % 6]}${['al', 'mar', 'to', 'ke', 'ri'][i % 5]}${i}`);
const CITIES = Array.from({ length: 60 }, (_, i) => `City${i}`);
const PLANS = ['Basic', 'Max', 'Unlimited', 'Travel', 'Family'];

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
/** Zipf-like pick: a few values are very common, most are rare, as with real names. */
const zipf = <T>(xs: readonly T[]) => xs[Math.min(xs.length - 1, Math.floor(xs.length * rand() ** 2.5))]!;

function customer(i: number): ProjectionDoc {
  const accounts = Array.from({ length: 1 + (i % 3) }, (_, a) => `a${i}-${a}`);
  return {
    id: `Customer:c${i}`,
    type: 'Customer',
    version: 1,
    body: {
      id: `c${i}`,
      name: `${zipf(FIRST)} ${zipf(LAST)}`,
      email: `c${i}@example.com`,
      phone: `+47${String(10000000 + i)}`,
      segment: rand() < 0.7 ? 'consumer' : rand() < 0.85 ? 'business' : 'vip',
      city: zipf(CITIES),
      createdAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
      accounts,
      interactions: [],
      accountSummaries: accounts.map((id, a) => ({ id, status: a === 0 ? 'active' : 'closed', balance: (i % 500) - 100 })),
      plans: [{ id: `p${i % 5}`, name: PLANS[i % 5]! }],
    },
  };
}

/** The bare loop: one prepared insert per row in 1,000-row transactions; returns ms spent on `rows`. */
function bareInserter(file: string): { insert: (rows: ProjectionDoc[]) => number; close: () => void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO docs (id, version, body) VALUES (?, ?, ?)');
  const batch = db.transaction((rows: ProjectionDoc[]) => {
    for (const d of rows) insert.run(d.id, d.version, JSON.stringify(d.body));
  });
  return {
    insert(rows) {
      const t0 = performance.now();
      for (let i = 0; i < rows.length; i += BATCH) batch(rows.slice(i, i + BATCH));
      return performance.now() - t0;
    },
    close: () => db.close(),
  };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  const model = validateDataProduct(telecom);
  if (!model.ok) throw new Error('telecom contract does not validate');
  const spec = indexSpecOf(model.model.types['Customer']!);
  const figures: Figure[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-sqlite-'));
  try {
    let last: { dir: string; n: number } | undefined;
    for (const n of SIZES) {
      seed = 42;
      const docs = Array.from({ length: n }, (_, i) => customer(i));
      const bare = bareInserter(path.join(dir, `bare-${n}.sqlite`));
      const storeDir = path.join(dir, `store-${n}`);
      const store = openSqliteStore(storeDir);
      const { index } = await store.createIndex(spec);
      await store.swapAlias('Customer', index);
      // Interleaved, 10,000 documents at a time: the machine is shared, so both loops see the same load.
      let bareMs = 0;
      let bulkMs = 0;
      for (let i = 0; i < n; i += INTERLEAVE) {
        const slice = docs.slice(i, i + INTERLEAVE);
        bareMs += bare.insert(slice);
        const t0 = performance.now();
        for (let j = 0; j < slice.length; j += BATCH) {
          const result = await store.bulk(slice.slice(j, j + BATCH));
          if (result.failed.length > 0) throw new Error(`bulk failed: ${JSON.stringify(result.failed[0])}`);
        }
        bulkMs += performance.now() - t0;
      }
      bare.close();
      const baseline = n / (bareMs / 1000);
      const perSecond = n / (bulkMs / 1000);
      // What a bulk defers: making the documents searchable (typed rows, FTS5, sort indexes).
      const t1 = performance.now();
      store.refresh();
      const searchable = n / ((bulkMs + performance.now() - t1) / 1000);
      await store.close();
      const label = `${n.toLocaleString('en-US')} docs`;
      figures.push({
        figure: `bulk upserts, ${label}`,
        value: perSecond,
        unit: 'docs/s',
        baseline,
        baselineLabel: 'docs/s bare',
        ratio: perSecond / baseline,
        goal: '>= 0.5x',
        met: perSecond / baseline >= 0.5,
      });
      figures.push({
        figure: `bulk + refresh (searchable), ${label}`,
        value: searchable,
        unit: 'docs/s',
        baseline,
        baselineLabel: 'docs/s bare',
        ratio: searchable / baseline,
      });
      last = { dir: storeDir, n };
    }
    if (last) figures.push(...(await searchLatency(last.dir, last.n)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report('sqlite-projection', figures);
}

async function searchLatency(storeDir: string, n: number): Promise<Figure[]> {
  const store = openSqliteStore(storeDir);
  const queries = Array.from({ length: QUERIES }, (_, i) => ({
    text: i % 2 ? zipf(FIRST) : `${zipf(FIRST)} ${zipf(LAST)}`,
    filter:
      i % 3 ? { field: 'segment', op: 'eq' as const, value: rand() < 0.5 ? 'vip' : 'consumer' } : { field: 'city', op: 'eq' as const, value: zipf(CITIES) },
  }));
  const ours: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    // A GraphQL page: 20 hits, the total exact up to 1,000 (as track_total_hits would cap it).
    await store.search('Customer', { ...q, first: 20, totalUpTo: 1000 });
    ours.push(performance.now() - t0);
  }
  await store.close();
  // The straightforward query on the same file: rank every match, count every match.
  const db = new Database(path.join(storeDir, 'projections.sqlite'), { readonly: true });
  const cols = db.prepare("SELECT spec FROM mesh_indexes WHERE name = 'Customer_v1'").get() as { spec: string };
  const fields = (JSON.parse(cols.spec) as IndexSpec).fields;
  const col = (p: string) => `f${fields.findIndex((f) => f.path === p)}`;
  const plain: number[] = [];
  for (const q of queries) {
    const match = q.text
      .split(' ')
      .map((t) => `"${t}"`)
      .join(' ');
    const where = `Customer_v1_fts MATCH ? AND d.${col(q.filter.field)} = ?`;
    const t0 = performance.now();
    db.prepare(
      `SELECT d.id, b.body FROM Customer_v1_fts JOIN Customer_v1 d ON d.rid = Customer_v1_fts.rowid JOIN Customer_v1_src b ON b.rid = d.rid WHERE ${where} ORDER BY rank LIMIT 20`,
    ).all(match, q.filter.value);
    db.prepare(`SELECT count(*) FROM Customer_v1_fts JOIN Customer_v1 d ON d.rid = Customer_v1_fts.rowid WHERE ${where}`).get(match, q.filter.value);
    plain.push(performance.now() - t0);
  }
  db.close();
  const label = `${n.toLocaleString('en-US')} docs`;
  const p50 = percentile(ours, 0.5),
    p99 = percentile(ours, 0.99);
  const b50 = percentile(plain, 0.5),
    b99 = percentile(plain, 0.99);
  return [
    { figure: `text + facet filter page p50, ${label}`, value: p50, unit: 'ms', baseline: b50, baselineLabel: 'ms rank all+exact', ratio: p50 / b50 },
    {
      figure: `text + facet filter page p99, ${label}`,
      value: p99,
      unit: 'ms',
      baseline: b99,
      baselineLabel: 'ms rank all+exact',
      ratio: p99 / b99,
      goal: '<= 50 ms',
      met: p99 <= 50,
    },
  ];
}

void main();
