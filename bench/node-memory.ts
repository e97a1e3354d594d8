// Memory per live node in memory mode: the local host (hot app, memory store) is loaded with
// demo nodes through its entity runtime (bench/demo-load.ts), and resident / heap bytes after a
// full GC are compared with the same host empty, measured in the same run. Goal: <= 2 KB per node
// at 1M nodes. Run with --expose-gc.
//   BENCH_NODES=1000000 node --expose-gc --import tsx bench/node-memory.ts
import fs from 'node:fs';
import path from 'node:path';
import { NODE_ENTITY } from '../actors/messages/node';
import type { RunningHost } from '../host/main';
import { withBenchHost } from './host';
import { loadDemo, NODES_PER_ROOT, writeDemo } from './demo-load';
import { report, type Figure } from './lib';

const TARGET_NODES = Number(process.env.BENCH_NODES ?? 200_000);
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
    const events = await loadDemo(
      host,
      demoFile,
      [
        {
          at: WARM_EVENTS,
          run: async () => {
            warmNodes = await liveNodes(host);
            empty = sample();
          },
        },
      ],
      'node-memory',
    );
    const seconds = (performance.now() - t0) / 1000;
    const nodes = await liveNodes(host);
    const loaded = sample();
    if (!empty) throw new Error(`the demo stream has fewer than ${WARM_EVENTS} events: raise BENCH_NODES`);
    const base = empty;
    const counted = nodes - warmNodes;
    const perNode = (k: keyof Sample) => (loaded[k] - base[k]) / counted;
    const figures: Figure[] = [
      {
        figure: `resident bytes per live node (${nodes.toLocaleString('en-US')} nodes)`,
        value: perNode('rss'),
        unit: 'B',
        baseline: base.rss / 1_048_576,
        baselineLabel: `MB RSS, ${warmNodes} nodes`,
        goal: '<= 2,048 B',
        met: perNode('rss') <= 2048,
      },
      {
        figure: `resident bytes per live node without mapped files`,
        value: perNode('rssAnon'),
        unit: 'B',
        baseline: base.rssAnon / 1_048_576,
        baselineLabel: `MB anon RSS, ${warmNodes} nodes`,
      },
      {
        figure: `V8 heap bytes per live node (${nodes.toLocaleString('en-US')} nodes)`,
        value: perNode('heapUsed'),
        unit: 'B',
        baseline: base.heapUsed / 1_048_576,
        baselineLabel: `MB heap, ${warmNodes} nodes`,
      },
      { figure: 'load rate through the entity runtime', value: events / seconds, unit: 'ev/s' },
    ];
    report(`node-memory (${events.toLocaleString('en-US')} demo events, ${nodes.toLocaleString('en-US')} nodes, memory store)`, figures);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
