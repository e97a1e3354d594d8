// The entity stores as the graph grows: the demo stream loaded through the entity runtime
// (bench/demo-load.ts) on each store, timing two windows of as many events as ~10,000 nodes take:
// the first (the graph built from nothing) and the last one before BENCH_NODES. Each store runs
// with the host's defaults for it, in a process of its own. The SQLite store (the default) is a ratio against the memory
// store of the same run at both windows; Azurite's last window against its first.
//   BENCH_NODES (default 100,000; 1000000 for the 1M figures)
//   BENCH_STORES (default memory,sqlite; add azurite for its scaling, loaded to at most
//   BENCH_AZURITE_NODES nodes, default 100,000: that run takes most of an hour)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningHost } from '../host/main';
import type { HostStoreKind } from '../core/config';
import { NODE_ENTITY } from '../actors/messages/node';
import { startTestAzurite } from '../host/harness/azurite';
import { withBenchHost } from './host';
import { countEvents, loadDemo, NODES_PER_ROOT, writeDemo } from './demo-load';
import { report, type Figure } from './lib';

const NODES = Number(process.env.BENCH_NODES ?? 100_000);
const AZURITE_NODES = Number(process.env.BENCH_AZURITE_NODES ?? 100_000);
const WINDOW_NODES = 10_000;
const STORES = (process.env.BENCH_STORES ?? 'memory,sqlite').split(',') as HostStoreKind[];

interface Run {
  /** Events per second over the first window and over the last. */
  first: number;
  last: number;
  overall: number;
  /** Nodes in the graph at the end (counted on the first store only: listing a million is slow). */
  nodes?: number;
  rssMb: number;
}

async function countNodes(host: RunningHost): Promise<number> {
  let nodes = 0;
  let continuation: string | undefined;
  do {
    const page = await host.store.list(NODE_ENTITY, { top: 100_000, ...(continuation ? { continuation } : {}) });
    nodes += page.entities.length;
    continuation = page.continuation;
  } while (continuation);
  return nodes;
}

async function run(store: HostStoreKind, file: string, events: number, count: boolean): Promise<Run> {
  const window = Math.round((events * WINDOW_NODES) / NODES);
  const limit = store === 'azurite' ? Math.min(events, Math.round((events * AZURITE_NODES) / NODES)) : events;
  const azurite = store === 'memory' ? undefined : await startTestAzurite();
  try {
    const env: Record<string, string> = azurite ? { AzureWebJobsStorage: azurite.connectionString } : {};
    return await withBenchHost(`store-scale-${store}`, { store, env }, async (host) => {
      let t0 = performance.now();
      let first = NaN;
      let lastStart = NaN;
      const started = performance.now();
      const loaded = await loadDemo(
        host,
        file,
        [
          { at: window, run: () => void (first = window / ((performance.now() - t0) / 1000)) },
          { at: limit - window, run: () => void (lastStart = t0 = performance.now()) },
        ],
        `store-scale (${store})`,
        limit,
      );
      const last = window / ((performance.now() - lastStart) / 1000);
      const overall = loaded / ((performance.now() - started) / 1000);
      global.gc?.();
      const rssMb = process.memoryUsage().rss / 1_048_576;
      return { first, last, overall, rssMb, ...(count ? { nodes: await countNodes(host) } : {}) };
    });
  } finally {
    await azurite?.stop();
  }
}

/** One store's run in a process of its own (no heap or JIT state left by another store's run). */
function inChild(store: HostStoreKind, file: string, events: number, count: boolean): Run {
  const env = { ...process.env, BENCH_ONE_STORE: JSON.stringify({ store, file, events, count }) };
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`the ${store} run failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Run;
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONE_STORE) {
    const { store, file, events, count } = JSON.parse(process.env.BENCH_ONE_STORE) as { store: HostStoreKind; file: string; events: number; count: boolean };
    process.stdout.write(JSON.stringify(await run(store, file, events, count)) + '\n');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-store-scale-'));
  try {
    const file = path.join(dir, 'demo.ndjson');
    writeDemo(file, Math.ceil(NODES / NODES_PER_ROOT));
    const events = await countEvents(file);
    const runs = new Map<HostStoreKind, Run>();
    for (const [i, store] of STORES.entries()) runs.set(store, inChild(store, file, events, i === 0));
    const nodes = [...runs.values()][0]?.nodes ?? NaN;
    const size = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')}k nodes`;
    const figures: Figure[] = [];
    const memory = runs.get('memory');
    for (const [store, r] of runs) {
      const loadedNodes = store === 'azurite' ? Math.min(AZURITE_NODES, NODES) : NODES;
      const vsMemory = store !== 'memory' && memory;
      figures.push(
        {
          figure: `${store} store: load rate, first ${size(WINDOW_NODES)}`,
          value: r.first,
          unit: 'ev/s',
          ...(vsMemory
            ? {
                baseline: memory.first,
                baselineLabel: 'ev/s memory store',
                ratio: r.first / memory.first,
                ...(store === 'sqlite' ? { goal: '>= 0.8x memory', met: r.first / memory.first >= 0.8 } : {}),
              }
            : {}),
        },
        {
          figure: `${store} store: load rate, last ${size(WINDOW_NODES)} to ${size(loadedNodes)}`,
          value: r.last,
          unit: 'ev/s',
          ...(vsMemory
            ? {
                baseline: memory.last,
                baselineLabel: 'ev/s memory store',
                ratio: r.last / memory.last,
                ...(store === 'sqlite' ? { goal: '>= 0.8x memory', met: r.last / memory.last >= 0.8 } : {}),
              }
            : {}),
        },
        {
          figure: `${store} store: last window over first`,
          value: r.last / r.first,
          unit: 'x',
          ...(store === 'azurite' ? { goal: '>= 0.5', met: r.last / r.first >= 0.5 } : {}),
        },
        {
          figure: `${store} store: whole load to ${size(loadedNodes)}`,
          value: r.overall,
          unit: 'ev/s',
          ...(vsMemory && store !== 'azurite' ? { baseline: memory.overall, baselineLabel: 'ev/s memory store', ratio: r.overall / memory.overall } : {}),
        },
        {
          figure: `${store} store: resident memory at ${size(loadedNodes)}`,
          value: r.rssMb,
          unit: 'MB',
          ...(vsMemory && store !== 'azurite' ? { baseline: memory.rssMb, baselineLabel: 'MB memory store', ratio: r.rssMb / memory.rssMb } : {}),
        },
      );
    }
    report(
      `store-scale (${events.toLocaleString('en-US')} demo events, ${nodes.toLocaleString('en-US')} nodes; windows of ${WINDOW_NODES.toLocaleString('en-US')} nodes)`,
      figures,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
