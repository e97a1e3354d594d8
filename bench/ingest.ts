// End-to-end ingestion: events/s from POST /api/events to applied and projected, through the
// local host (memory, SQLite and Azurite stores), against a bare loop that parses, validates, maps and
// merges the same events (reactions included) in one process, in the same run.
// Two phases: the load (the demo stream creating the graph) and live traffic (one change of every
// record that has one, on the graph the load left), each timed apart, each against the bare
// loop's same phase.
// The SQLite store (the default) is also a ratio against the memory store of the same run.
// Also: durable client HTTP signals per ingested event, and entity operations per event
// (direct vs reactions) on the demo stream.
// BENCH_STORES (default memory,sqlite,azurite; BENCH_MEMORY_ONLY=1 for memory alone),
// BENCH_ROOTS (1200: ~10k nodes).
import { type CompiledDataProduct } from '../core/contracts';
import { loadDataProduct } from '../adapters/contracts/load';
import { createDemoGenerator } from '../core/demo/generate';
import { isDemoScenario } from '../core/demo/scenario';
import type { CloudEvent } from '../core/contracts/changes';
import { checkEvents, groupByNode } from '../core/ingest/check';
import { computeNeeds, type Needs } from '../core/graph/needs';
import { begin, end, step } from '../actors/node/logic';
import type { NodeMessage } from '../actors/messages/node';
import type { NodeState } from '../core/graph/node-state';
import { applyBucket } from '../actors/bucket/logic';
import type { BucketMessage, BucketState } from '../actors/messages/bucket';
import type { RunningHost } from '../host/main';
import type { HostStoreKind } from '../core/config';
import { withBenchHost } from './host';
import { STREAM_QUEUE } from '../host/event-stream';
import { startTestAzurite } from '../host/harness/azurite';
import { report, type Figure } from './lib';

const CHUNK = 1000;

/** The load, then a round of live changes on what it created. */
function demoEvents(compiled: CompiledDataProduct, roots: number): { load: CloudEvent[]; updates: CloudEvent[] } {
  const scenario = compiled.product.demo;
  if (!isDemoScenario(scenario)) throw new Error('the data product has no demo scenario');
  const gen = createDemoGenerator(compiled, scenario, { roots, seed: 7, canonical: false });
  const load = [...gen.batches()].flat();
  return { load, updates: [...gen.updates()].flat() };
}

interface Graph {
  states: Map<string, NodeState>;
  buckets: Map<string, BucketState>;
}

type Send = (to: string, message: NodeMessage | BucketMessage, bucket: boolean) => void;

/**
 * Runs one entity's operations as one batch, with the actors' pure logic: a node folds them into
 * one transition (as its entity adapter does), a bucket applies each; what they send goes to `send`.
 */
function runBatch(
  compiled: CompiledDataProduct,
  needs: Needs,
  graph: Graph,
  key: string,
  bucket: boolean,
  messages: Array<NodeMessage | BucketMessage>,
  send: Send,
): void {
  if (bucket) {
    let state = graph.buckets.get(key);
    for (const message of messages) {
      const out = applyBucket(state, message as BucketMessage, key);
      state = out.state;
      for (const e of out.effects) send(e.to, e.message, false);
      if (out.forward) send(out.forward.to, out.forward.message, true);
    }
    graph.buckets.set(key, state!);
    return;
  }
  const now = new Date().toISOString();
  const batch = begin(graph.states.get(key), { model: compiled.model, needs, key, now, historyLimit: 100, historyMaxAgeMs: 90 * 86_400_000 });
  for (const message of messages) step(batch, message as NodeMessage);
  const { state, effects } = end(batch);
  graph.states.set(key, state);
  for (const e of effects) if (e.kind === 'signal' || e.kind === 'bucket') send(e.to, e.message, e.kind === 'bucket');
}

/** Parse, validate, map, merge (with reactions) in one process: what the host adds nothing to. */
function bareLoop(
  compiled: CompiledDataProduct,
  lines: string[],
  graph: Graph = { states: new Map(), buckets: new Map() },
): { seconds: number; nodes: number; ops: number } {
  const needs = computeNeeds(compiled.model);
  const t0 = performance.now();
  let ops = 0;
  for (let i = 0; i < lines.length; i += CHUNK) {
    const { accepted } = checkEvents(
      compiled,
      lines.slice(i, i + CHUNK).map((l) => JSON.parse(l)),
    );
    const queue: Array<[string, NodeMessage | BucketMessage, boolean]> = [...groupByNode(accepted.flatMap((a) => a.nodeEvents))].map(([key, events]) => [
      key,
      { op: 'apply', events },
      false,
    ]);
    const send: Send = (to, message, bucket) => queue.push([to, message, bucket]);
    while (queue.length > 0) {
      const [key, message, isBucket] = queue.pop()!;
      ops++;
      runBatch(compiled, needs, graph, key, isBucket, [message], send);
    }
  }
  return { seconds: (performance.now() - t0) / 1000, nodes: graph.states.size, ops };
}

/**
 * Entity batches when the whole load is given at once and run hop by hop, each node (and bucket)
 * folding all its operations of a hop into one batch, as the entity adapters fold a batch: what
 * the design costs when every entity runs as soon as its hop is complete. A scheduler can do
 * better only by holding an entity back until operations of later hops join its batch (the host
 * did so at 8 batches at once, 1.75 batches per event, at a lower rate). Not timed.
 */
function hopByHop(compiled: CompiledDataProduct, lines: string[]): { batches: number; ops: number; hops: number } {
  const needs = computeNeeds(compiled.model);
  const graph: Graph = { states: new Map(), buckets: new Map() };
  // Per entity ('b ' before a bucket's key): bucket or node, and its operations of the hop.
  type Hop = Map<string, { key: string; bucket: boolean; messages: Array<NodeMessage | BucketMessage> }>;
  const sender =
    (next: Hop): Send =>
    (to, message, bucket) => {
      const id = bucket ? `b ${to}` : to;
      const entry = next.get(id);
      if (entry) entry.messages.push(message);
      else next.set(id, { key: to, bucket, messages: [message] });
    };
  const { accepted } = checkEvents(
    compiled,
    lines.map((l) => JSON.parse(l)),
  );
  let hop: Hop = new Map();
  const first = sender(hop);
  for (const [key, events] of groupByNode(accepted.flatMap((a) => a.nodeEvents))) first(key, { op: 'apply', events }, false);
  let batches = 0;
  let ops = 0;
  let hops = 0;
  while (hop.size > 0) {
    hops++;
    const next: Hop = new Map();
    const send = sender(next);
    for (const { key, bucket, messages } of hop.values()) {
      batches++;
      ops += messages.length;
      runBatch(compiled, needs, graph, key, bucket, messages, send);
    }
    hop = next;
  }
  return { batches, ops, hops };
}

/** Posts `lines` in chunks (4 in flight) and waits until everything they caused has run. */
async function ingest(host: RunningHost, label: string, lines: string[]): Promise<number> {
  const t0 = performance.now();
  let posted = 0;
  // A large run on Azurite takes many minutes: say where it is every 10 s.
  const progress = setInterval(() => {
    const { pendingOperations } = host.runtime.depth();
    process.stderr.write(
      `${label}: ${posted}/${lines.length} events posted, ${host.runtime.counters.operations} operations run, ${pendingOperations} pending, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
  }, 10_000);
  progress.unref();
  try {
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < lines.length; i += CHUNK) {
      const body = lines.slice(i, i + CHUNK).join('\n');
      const p = fetch(`${host.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })
        .then((r) => r.json() as Promise<{ accepted: number; rejected: unknown[] }>)
        .then((b) => {
          if (b.rejected.length || b.accepted !== Math.min(CHUNK, lines.length - i))
            throw new Error(`${b.accepted} of ${Math.min(CHUNK, lines.length - i)} accepted; rejected: ${JSON.stringify(b.rejected.slice(0, 2))}`);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      posted = Math.min(i + CHUNK, lines.length);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await host.runtime.idle();
    return (performance.now() - t0) / 1000;
  } finally {
    clearInterval(progress);
  }
}

/** Operations of the graph's entities (node and bucket), as the bare loop counts them. */
function graphOps(byName: Record<string, number>): number {
  return Object.entries(byName)
    .filter(([name]) => name.startsWith('node.') || name.startsWith('bucket.'))
    .reduce((sum, [, n]) => sum + n, 0);
}

function throughHost(store: HostStoreKind, phases: { load: string[]; updates: string[] }, env: Record<string, string>) {
  return withBenchHost('ingest', { store, env }, async (host) => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const seconds = await ingest(host, `load (${store})`, phases.load);
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMicros = cpu.user + cpu.system;
    global.gc?.();
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const counters = { ...host.runtime.counters };
    const byName = { ...host.runtime.operationsByName };
    const batchesByEntity = { ...host.runtime.batchesByEntity };
    process.stderr.write(
      `load (${store}): ${counters.operations} operations in ${counters.batches} batches, ${counters.failedBatches} failed batches; by name ${JSON.stringify(byName)}; batches by entity ${JSON.stringify(batchesByEntity)}\n`,
    );
    const updateSeconds = await ingest(host, `updates (${store})`, phases.updates);
    const updateOps = graphOps(host.runtime.operationsByName) - graphOps(byName);
    return { seconds, cpuMicros, rssGrowth, counters, byName, batchesByEntity, updates: { seconds: updateSeconds, ops: updateOps } };
  });
}

async function main(): Promise<void> {
  process.env.AzureWebJobsStorage ??= 'UseDevelopmentStorage=true';
  const compiled = await loadDataProduct();
  const roots = Number(process.env.BENCH_ROOTS ?? 1200);
  const events = demoEvents(compiled, roots);
  const phases = { load: events.load.map((e) => JSON.stringify(e)), updates: events.updates.map((e) => JSON.stringify(e)) };
  const lines = phases.load;
  bareLoop(compiled, lines.slice(0, 2000)); // warm-up
  const graph: Graph = { states: new Map(), buckets: new Map() };
  const bare = bareLoop(compiled, lines, graph);
  const bareUpdates = bareLoop(compiled, phases.updates, graph);
  const hops = hopByHop(compiled, lines);
  const stores = process.env.BENCH_MEMORY_ONLY ? ['memory'] : (process.env.BENCH_STORES ?? 'memory,sqlite,azurite').split(',');
  const notRun = { seconds: NaN, updates: { seconds: NaN, ops: NaN } };
  const memory = await throughHost('memory', phases, {});
  // The SQLite store needs an Azurite too (dead letters): one of the bench's own, on free ports.
  const onStorage = async (store: HostStoreKind) => {
    if (!stores.includes(store)) return notRun;
    const azurite = await startTestAzurite();
    try {
      return await throughHost(store, phases, { AzureWebJobsStorage: azurite.connectionString });
    } finally {
      await azurite.stop();
    }
  };
  const onSqlite = await onStorage('sqlite');
  const onAzurite = await onStorage('azurite');
  const perSec = (r: { seconds: number }) => lines.length / r.seconds;
  const bareRate = perSec(bare);
  const updatesPerSec = (r: { seconds: number }) => phases.updates.length / r.seconds;
  const bareUpdateRate = updatesPerSec(bareUpdates);
  const applies = memory.byName['node.apply'] ?? 0;
  const routes = memory.byName['router.route'] ?? 0;
  const reactions = (memory.byName['node.neighbour'] ?? 0) + (memory.byName['node.edge'] ?? 0);
  // CPU per event: the host process's (memory store, load) and the bare loop's (its wall time: one thread, no waits).
  const cpuPerEvent = memory.cpuMicros / lines.length;
  const graphBatches = (memory.batchesByEntity['node'] ?? 0) + (memory.batchesByEntity['bucket'] ?? 0);
  const loadGraphOps = graphOps(memory.byName);
  // Entities: everything the runtime runs but the local Event Hubs stand-in's queue (not an entity).
  const entityBatches = memory.counters.batches - (memory.batchesByEntity[STREAM_QUEUE] ?? 0);
  const entityOps =
    memory.counters.operations - Object.entries(memory.byName).reduce((sum, [name, n]) => sum + (name.startsWith(`${STREAM_QUEUE}.`) ? n : 0), 0);
  const bareCpuPerEvent = (bare.seconds * 1e6) / lines.length;
  const figures: Figure[] = [
    {
      figure: 'ingest events/s, host, memory store',
      value: perSec(memory),
      unit: 'ev/s',
      baseline: bareRate,
      baselineLabel: 'ev/s bare loop',
      ratio: perSec(memory) / bareRate,
      goal: '>= 0.4x (stretch 0.6x)',
      met: perSec(memory) / bareRate >= 0.4,
    },
    {
      figure: `ingest events/s, host, SQLite store (${bare.nodes} nodes)`,
      value: perSec(onSqlite),
      unit: 'ev/s',
      baseline: perSec(memory),
      baselineLabel: 'ev/s memory store',
      ratio: perSec(onSqlite) / perSec(memory),
      goal: '>= 0.8x memory',
      met: perSec(onSqlite) / perSec(memory) >= 0.8,
    },
    {
      figure: `ingest events/s, host, Azurite (${bare.nodes} nodes)`,
      value: perSec(onAzurite),
      unit: 'ev/s',
      baseline: bareRate,
      baselineLabel: 'ev/s bare loop',
      ratio: perSec(onAzurite) / bareRate,
      goal: '>= 2,000 ev/s',
      met: perSec(onAzurite) >= 2000,
    },
    // Live traffic: the graph is loaded, and every record that has a change changes once.
    {
      figure: `live updates events/s, memory (${bare.nodes} live nodes)`,
      value: updatesPerSec(memory.updates),
      unit: 'ev/s',
      baseline: bareUpdateRate,
      baselineLabel: 'ev/s bare loop',
      ratio: updatesPerSec(memory.updates) / bareUpdateRate,
    },
    {
      figure: `live updates events/s, SQLite (${bare.nodes} live nodes)`,
      value: updatesPerSec(onSqlite.updates),
      unit: 'ev/s',
      baseline: updatesPerSec(memory.updates),
      baselineLabel: 'ev/s memory store',
      ratio: updatesPerSec(onSqlite.updates) / updatesPerSec(memory.updates),
      goal: '>= 0.8x memory',
      met: updatesPerSec(onSqlite.updates) / updatesPerSec(memory.updates) >= 0.8,
    },
    {
      figure: `live updates events/s, Azurite (${bare.nodes} live nodes)`,
      value: updatesPerSec(onAzurite.updates),
      unit: 'ev/s',
      baseline: bareUpdateRate,
      baselineLabel: 'ev/s bare loop',
      ratio: updatesPerSec(onAzurite.updates) / bareUpdateRate,
      goal: '>= 2,000 ev/s',
      met: updatesPerSec(onAzurite.updates) >= 2000,
    },
    {
      figure: 'node and bucket ops per live update event, memory',
      value: memory.updates.ops / phases.updates.length,
      unit: '',
      baseline: bareUpdates.ops / phases.updates.length,
      baselineLabel: 'bare loop',
    },
    {
      figure: 'durable client HTTP signals per event',
      value: memory.counters.clientSignals / lines.length,
      unit: '',
      goal: '<= 0.1',
      met: memory.counters.clientSignals / lines.length <= 0.1,
    },
    // Direct: the node operations the events themselves cause (one per node per trigger batch);
    // the router hop is the fan-out (at most MESH_ROUTERS per trigger batch), counted apart.
    { figure: 'entity ops per event, direct (node apply)', value: applies / lines.length, unit: '', goal: '<= 1', met: applies / lines.length <= 1 },
    { figure: 'entity ops per event, router fan-out', value: routes / lines.length, unit: '' },
    { figure: 'entity ops per event, reactions (edge+neighbour)', value: reactions / lines.length, unit: '' },
    // Entities (node, bucket, router, ...): not the event stream's queue, whose batches are trigger invocations.
    {
      figure: 'entity operations per batch, memory store (load)',
      value: entityOps / entityBatches,
      unit: '',
      goal: '>= 3',
      met: entityOps / entityBatches >= 3,
    },
    {
      figure: 'entity batches per event, memory store (load)',
      value: entityBatches / lines.length,
      unit: '',
      goal: '<= 1.0',
      met: entityBatches / lines.length <= 1,
    },
    // The graph's own batches (node and bucket entities, not the event stream's or the routers')
    // against the load run hop by hop (hopByHop: every node's operations of a hop in one batch).
    {
      figure: 'node and bucket batches per event, memory store (load)',
      value: graphBatches / lines.length,
      unit: '',
      baseline: hops.batches / lines.length,
      baselineLabel: `hop by hop (${hops.hops} hops)`,
      ratio: graphBatches / hops.batches,
    },
    {
      figure: 'node and bucket operations per batch, memory store (load)',
      value: loadGraphOps / graphBatches,
      unit: '',
      baseline: hops.ops / hops.batches,
      baselineLabel: 'hop by hop',
      ratio: loadGraphOps / graphBatches / (hops.ops / hops.batches),
    },
    // All threads of the process: the host, its SQLite search writer, and the bench's own HTTP client.
    {
      figure: 'CPU per event, memory store (load; the process, client included)',
      value: cpuPerEvent,
      unit: 'us',
      baseline: bareCpuPerEvent,
      baselineLabel: 'us bare loop',
      ratio: cpuPerEvent / bareCpuPerEvent,
      goal: '<= 350 us',
      met: cpuPerEvent <= 350,
    },
    // At 10k nodes this is mostly fixed costs (SQLite page cache, code); bench/node-memory.ts measures per-node memory.
    { figure: `RSS growth per live node, memory store (${bare.nodes} nodes)`, value: memory.rssGrowth / bare.nodes / 1024, unit: 'KB' },
  ];
  report(`ingest (${lines.length} demo events, ${bare.nodes} nodes; then ${phases.updates.length} live updates)`, figures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
