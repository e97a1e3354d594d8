// Memory per live node in memory mode: the local host (hot app, memory store) is loaded with
// demo nodes through its entity runtime, and resident / heap bytes after a full GC are compared
// with the same host empty, measured in the same run. Goal: <= 2 KB per node at 1M nodes.
// The demo stream is written to a file by a child process first, so the generator's own
// bookkeeping is not in this process; events are checked and grouped per node as the Event Hubs
// trigger does and signalled to the node entities (the router hop holds no state), so every
// reaction between neighbours runs as in ingestion. Run with --expose-gc.
//   BENCH_NODES=1000000 node --expose-gc --import tsx bench/node-memory.ts
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { loadDataProduct } from '../adapters/contracts/load';
import { checkEvents, groupByNode } from '../core/ingest/check';
import { NODE_ENTITY, NodeOp } from '../actors/messages/node';
import type { RunningHost } from '../host/main';
import { withBenchHost } from './host';
import { report, type Figure } from './lib';

const TARGET_NODES = Number(process.env.BENCH_NODES ?? 200_000);
const NODES_PER_ROOT = 8.5; // the telecom demo: ~8.5 nodes per customer (bench/demo-generate.ts measures it)
const CHUNK = 2000;
const MAX_PENDING = 50_000;
const WARM_EVENTS = 10_000;
/** Entity batches in flight: each waits for the projection writer's group commit, so many at once. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 512);

interface Sample {
  rss: number;
  /** Resident anonymous memory: RSS without mapped file pages (the SQLite index maps its file). */
  rssAnon: number;
  heapUsed: number;
}

function rssAnon(): number {
  const line = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return line ? Number(line[1]) * 1024 : NaN;
}

function sample(): Sample {
  const gc = global.gc;
  if (!gc) throw new Error('run with --expose-gc (node --expose-gc --import tsx bench/node-memory.ts)');
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { rss: m.rss, rssAnon: rssAnon(), heapUsed: m.heapUsed };
}

function writeDemo(file: string, roots: number): void {
  const cli = path.join(__dirname, '../cli/main.ts');
  const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'demo', 'generate', '--customers', String(roots), '--seed', '7', '--out', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`demo generation failed (exit ${run.status})`);
}

/** Loads every event; `warmedUp` runs once after the first WARM_EVENTS are applied. */
async function load(host: RunningHost, file: string, warmedUp: () => Promise<void>): Promise<number> {
  const compiled = await loadDataProduct();
  const size = fs.statSync(file).size;
  const input = fs.createReadStream(file);
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let chunk: unknown[] = [];
  let events = 0;
  let warm = false;
  const started = performance.now();
  // A million nodes take many minutes: say where the load is every 10 s.
  const progress = setInterval(() => {
    const read = Math.floor((100 * input.bytesRead) / Math.max(size, 1));
    process.stderr.write(`node-memory: ${read}% of the demo stream read, ${events} events, ${((performance.now() - started) / 1000).toFixed(0)} s, ${Math.round(process.memoryUsage().rss / 1_048_576)} MB RSS\n`);
  }, 10_000);
  progress.unref();
  const flush = async () => {
    const { accepted } = checkEvents(compiled, chunk);
    const items = [...groupByNode(accepted.flatMap((a) => a.nodeEvents))].map(([key, nodeEvents]) => ({ key, input: JSON.stringify({ op: NodeOp.apply, events: nodeEvents }) }));
    events += chunk.length;
    chunk = [];
    await host.runtime.signalMany(NODE_ENTITY, NodeOp.apply, items);
    if (host.runtime.depth().pendingOperations > MAX_PENDING) await host.runtime.idle();
  };
  try {
    for await (const line of lines) {
      if (line === '') continue;
      chunk.push(JSON.parse(line));
      if (chunk.length >= CHUNK) await flush();
      if (!warm && events >= WARM_EVENTS) {
        warm = true;
        await host.runtime.idle();
        await warmedUp();
      }
    }
    if (chunk.length > 0) await flush();
    await host.runtime.idle();
    return events;
  } finally {
    clearInterval(progress);
  }
}

async function liveNodes(host: RunningHost): Promise<number> {
  const page = await host.store.list(NODE_ENTITY, { top: Number.MAX_SAFE_INTEGER });
  return page.entities.length;
}

async function main(): Promise<void> {
  const roots = Math.ceil(TARGET_NODES / NODES_PER_ROOT);
  const demoFileIn = (dataDir: string) => path.join(dataDir, 'demo.ndjson');
  const env = { AzureWebJobsStorage: process.env.AzureWebJobsStorage ?? 'UseDevelopmentStorage=true' };
  await withBenchHost('memory', { env, concurrency: CONCURRENCY, prepare: (dataDir) => writeDemo(demoFileIn(dataDir), roots) }, async (host, dataDir) => {
    const demoFile = demoFileIn(dataDir);
    // The baseline is the host after its first WARM_EVENTS (modules loaded, code compiled,
    // SQLite caches filled), not a cold one; the nodes counted are those loaded after it.
    let empty: Sample | undefined;
    let warmNodes = 0;
    const t0 = performance.now();
    const events = await load(host, demoFile, async () => {
      warmNodes = await liveNodes(host);
      empty = sample();
    });
    const seconds = (performance.now() - t0) / 1000;
    const nodes = await liveNodes(host);
    const loaded = sample();
    if (!empty) throw new Error(`the demo stream has fewer than ${WARM_EVENTS} events: raise BENCH_NODES`);
    const base = empty;
    const counted = nodes - warmNodes;
    const perNode = (k: keyof Sample) => (loaded[k] - base[k]) / counted;
    const figures: Figure[] = [
      { figure: `resident bytes per live node (${nodes.toLocaleString('en-US')} nodes)`, value: perNode('rss'), unit: 'B', baseline: base.rss / 1_048_576, baselineLabel: `MB RSS, ${warmNodes} nodes`, goal: '<= 2,048 B', met: perNode('rss') <= 2048 },
      { figure: `resident bytes per live node without mapped files`, value: perNode('rssAnon'), unit: 'B', baseline: base.rssAnon / 1_048_576, baselineLabel: `MB anon RSS, ${warmNodes} nodes` },
      { figure: `V8 heap bytes per live node (${nodes.toLocaleString('en-US')} nodes)`, value: perNode('heapUsed'), unit: 'B', baseline: base.heapUsed / 1_048_576, baselineLabel: `MB heap, ${warmNodes} nodes` },
      { figure: 'load rate through the entity runtime', value: events / seconds, unit: 'ev/s' },
    ];
    report(`node-memory (${events.toLocaleString('en-US')} demo events, ${nodes.toLocaleString('en-US')} nodes, memory store)`, figures);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
