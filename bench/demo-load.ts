// Loading the telecom demo stream straight into a host's entity runtime, for the benchmarks that
// measure at hundreds of thousands of nodes (node-memory, store-scale). The stream is written to
// a file by a child process first, so the generator's own bookkeeping is not in the measured
// process; events are checked and grouped per node as the Event Hubs trigger does and signalled
// to the node entities (the router hop holds no state), so every reaction between neighbours
// runs as in ingestion.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { loadDataProduct } from '../adapters/contracts/load';
import { checkEvents, groupByNode } from '../core/ingest/check';
import { NODE_ENTITY, NodeOp } from '../actors/messages/node';
import type { RunningHost } from '../host/main';

/** The telecom demo: ~8.5 nodes per customer (bench/demo-generate.ts measures it). */
export const NODES_PER_ROOT = 8.5;
const CHUNK = 2000;
const MAX_PENDING = 50_000;

export function writeDemo(file: string, roots: number): void {
  const cli = path.join(__dirname, '../cli/main.ts');
  const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'demo', 'generate', '--customers', String(roots), '--seed', '7', '--out', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`demo generation failed (exit ${run.status})`);
}

/** Events (lines) in a demo file. */
export async function countEvents(file: string): Promise<number> {
  let n = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) if (line !== '') n++;
  return n;
}

/** Something to do once the first `at` events are loaded and every reaction they caused has run. */
export interface Mark {
  at: number;
  run: () => Promise<void> | void;
}

/**
 * Loads the events of `file` (its first `limit`, when given); each mark runs when its count is
 * loaded and the host is idle.
 */
export async function loadDemo(host: RunningHost, file: string, marks: Mark[], label: string, limit = Infinity): Promise<number> {
  const compiled = await loadDataProduct();
  const pending = [...marks].sort((a, b) => a.at - b.at);
  const size = fs.statSync(file).size;
  const input = fs.createReadStream(file);
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let chunk: unknown[] = [];
  let events = 0;
  const started = performance.now();
  // A million nodes take many minutes: say where the load is every 10 s.
  const progress = setInterval(() => {
    const read = Math.floor((100 * input.bytesRead) / Math.max(size, 1));
    process.stderr.write(
      `${label}: ${read}% of the demo stream read, ${events} events, ${((performance.now() - started) / 1000).toFixed(0)} s, ${Math.round(process.memoryUsage().rss / 1_048_576)} MB RSS\n`,
    );
  }, 10_000);
  progress.unref();
  const flush = async () => {
    const { accepted } = checkEvents(compiled, chunk);
    const items = [...groupByNode(accepted.flatMap((a) => a.nodeEvents))].map(([key, nodeEvents]) => ({
      key,
      input: JSON.stringify({ op: NodeOp.apply, events: nodeEvents }),
    }));
    events += chunk.length;
    chunk = [];
    await host.runtime.signalMany(NODE_ENTITY, NodeOp.apply, items);
    if (host.runtime.depth().pendingOperations > MAX_PENDING) await host.runtime.idle();
  };
  const runMarks = async () => {
    while (pending.length > 0 && pending[0]!.at <= events) {
      await host.runtime.idle();
      await pending.shift()!.run();
    }
  };
  try {
    for await (const line of lines) {
      if (line === '') continue;
      if (events + chunk.length >= limit) break;
      chunk.push(JSON.parse(line));
      if (chunk.length >= CHUNK || events + chunk.length === pending[0]?.at) {
        await flush();
        await runMarks();
      }
    }
    if (chunk.length > 0) await flush();
    await host.runtime.idle();
    for (const mark of pending) await mark.run();
    return events;
  } finally {
    clearInterval(progress);
  }
}
