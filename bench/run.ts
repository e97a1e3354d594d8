// `npm run bench`: runs every benchmark in its own process, one after another (they measure
// ratios against baselines of the same run, so they must not compete for the 2 cores), then
// prints one table of all figures from the JSON line each prints last.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fmt, pad, type Figure } from './lib';
import { benchName, currentTable, figuresTable, mergedTable, writeReadme } from './readme';

const BENCHES = [
  'cli-help.ts',
  'host-start.ts',
  'entity-ops.ts',
  'ingest.ts',
  'store-scale.ts',
  'fanout.ts',
  'projection-outage.ts',
  'cold-start.ts',
  'cold-queries.ts',
  'demo-generate.ts',
  'sqlite-projection.ts',
  'es-bulk.ts',
  'connectors.ts',
  'graphql.ts',
  'wait-idle.ts',
  'rename-spread.ts',
];
BENCHES.push('node-memory.ts'); // memory per live node (BENCH_NODES, default 200k; run.ts passes --expose-gc)
const args = process.argv.slice(2);
const toReadme = args.includes('--readme');
const only = args.filter((a) => !a.startsWith('--'));

const rows: Array<Figure & { bench: string }> = [];
for (const file of BENCHES.filter((b) => only.length === 0 || only.some((o) => b.includes(o)))) {
  const script = path.join(__dirname, file);
  process.stderr.write(`\n== ${file}\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  if (run.error || run.status !== 0) {
    process.stderr.write(`${file} failed (${run.error?.message ?? `exit ${run.status}`}); skipped\n`);
    continue;
  }
  process.stdout.write(run.stdout);
  const last = run.stdout.trim().split('\n').pop() ?? '';
  try {
    const { bench, figures } = JSON.parse(last) as { bench: string; figures: Figure[] };
    rows.push(...figures.map((f) => ({ ...f, bench })));
  } catch {
    process.stderr.write(`${file} printed no JSON summary line\n`);
  }
}

process.stdout.write(`\nAll figures\n${pad('figure', 56)}${pad('value', 18)}${pad('baseline', 18)}${pad('ratio', 8)}goal\n`);
for (const r of rows) {
  process.stdout.write(
    `${pad(r.figure, 56)}${pad(`${fmt(r.value)} ${r.unit}`, 18)}${pad(r.baseline === undefined ? '' : fmt(r.baseline), 18)}${pad(r.ratio === undefined ? '' : r.ratio.toFixed(2), 8)}${r.goal ?? ''}${r.met === false ? ' (NOT met)' : r.met ? ' (met)' : ''}\n`,
  );
}
const when = new Date().toISOString().slice(0, 10);
const saved = path.join(process.env.MESH_DATA_DIR ?? '.data', 'bench-latest.json');
fs.mkdirSync(path.dirname(saved), { recursive: true });
// A run of some benchmarks replaces their rows in the saved figures and keeps the others.
const previous = only.length > 0 && fs.existsSync(saved) ? (JSON.parse(fs.readFileSync(saved, 'utf8')) as { figures: typeof rows }).figures : [];
// New rows take the place of the old rows of their benchmark, whatever the conditions in its
// label (`ingest (12645 demo events, ...)`: sizes and such); a benchmark not seen before goes last.
const merged: typeof rows = [];
for (const r of previous) {
  const fresh = rows.filter((n) => benchName(n.bench) === benchName(r.bench));
  if (fresh.length === 0) merged.push(r);
  else if (!merged.includes(fresh[0]!)) merged.push(...fresh);
}
merged.push(...rows.filter((n) => !merged.includes(n)));
fs.writeFileSync(saved, JSON.stringify({ when, figures: merged }, null, 1));
if (toReadme) {
  const doc = path.join(__dirname, '..', 'docs', 'figures.md');
  // A run of some benchmarks replaces their rows in the document's table and keeps the others.
  writeReadme(doc, only.length > 0 ? mergedTable(currentTable(doc), rows, when) : figuresTable(merged, when));
  process.stderr.write(`docs/figures.md regenerated (${merged.length} figures)\n`);
}
process.stdout.write(JSON.stringify({ bench: 'all', figures: rows }) + '\n');
