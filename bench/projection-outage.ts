// A search index that refuses every write for a while (the cluster is down): documents pending
// during the outage, how long after the store is back until every one is written (no new event:
// the retry timer asks), and how many are left; against the same ingest with no outage.
import type { RunningHost } from '../host/main';
import { withBenchHost } from './host';
import { report } from './lib';
import { projectionStore } from '../functions/shared/projections';
import type { ProjectionStore } from '../core/projection/port';

const EVENTS = Number(process.env.BENCH_OUTAGE_EVENTS ?? 2000);
// Longer than the projection writer's own retries (6 attempts, ~3 s), so nodes keep documents pending.
const OUTAGE_MS = Number(process.env.BENCH_OUTAGE_MS ?? 10_000);

const events = (prefix: string) =>
  Array.from({ length: EVENTS }, (_, i) => ({
    specversion: '1.0',
    id: `${prefix}${i}`,
    source: 'hr',
    type: 'meshgraph.node.upsert',
    subject: `Person/${prefix}${i}`,
    sequence: 1,
    data: { name: `Person ${i}` },
  }));

async function post(host: RunningHost, batch: unknown[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 500) {
    const res = await fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(batch.slice(i, i + 500)),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
  }
}

async function pending(host: RunningHost): Promise<number> {
  return (await projectionState(host)).pending.documents;
}

/** /api/health's projection: the writer's lag (handed over, not yet durable) and the registry's pending nodes. */
async function projectionState(host: RunningHost): Promise<{ documents?: number; pending: { documents: number } }> {
  return ((await (await fetch(`${host.url}/api/health`)).json()) as { projection: { documents?: number; pending: { documents: number } } }).projection;
}

async function written(store: ProjectionStore, prefix: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < EVENTS; i += 500)
    n += (
      await store.mget(
        'Person',
        Array.from({ length: Math.min(500, EVENTS - i) }, (_, k) => `Person:${prefix}${i + k}`),
      )
    ).filter(Boolean).length;
  return n;
}

async function main(): Promise<void> {
  process.env.AzureWebJobsStorage ??= 'UseDevelopmentStorage=true';
  process.env.MESH_CONTRACTS = 'test/fixtures/graph-product.ts';
  process.env.MESH_AZURITE = 'external';
  const result = await withBenchHost('outage', { store: 'memory' }, async (host) => {
    const store = await projectionStore();
    // Baseline: the same ingest, the store up.
    let t0 = performance.now();
    await post(host, events('up'));
    await host.runtime.idle();
    while ((await written(store, 'up')) < EVENTS) await new Promise((r) => setTimeout(r, 20));
    const healthyMs = performance.now() - t0;
    // The outage: every bulk refused, as an unreachable cluster would.
    const bulk = store.bulk.bind(store);
    store.bulk = async () => {
      throw new Error('connect ECONNREFUSED (bench: the search cluster is down)');
    };
    t0 = performance.now();
    await post(host, events('down'));
    let peak = 0;
    while (performance.now() - t0 < OUTAGE_MS) {
      const state = await projectionState(host);
      peak = Math.max(peak, (state.documents ?? 0) + state.pending.documents);
      await new Promise((r) => setTimeout(r, 200));
    }
    store.bulk = bulk;
    const back = performance.now();
    // Done when every document is written and nothing is pending (no new event is sent).
    let present = await written(store, 'down');
    let left = await pending(host);
    while ((left > 0 || present < EVENTS) && performance.now() - back < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
      [left, present] = [await pending(host), await written(store, 'down')];
    }
    return { healthyMs, peak, recoverMs: performance.now() - back, left, present };
  });
  report(`projection-outage (${EVENTS} new nodes during a ${OUTAGE_MS / 1000} s outage)`, [
    { figure: 'projection documents not written during the outage (peak, writer lag + pending nodes)', value: result.peak, unit: 'docs' },
    { figure: 'projection documents left pending once the store is back', value: result.left, unit: 'docs', goal: '0', met: result.left === 0 },
    {
      figure: 'store back to every document written (no new event)',
      value: result.recoverMs,
      unit: 'ms',
      baseline: result.healthyMs,
      baselineLabel: 'ms the same ingest takes, store up',
      ratio: result.recoverMs / result.healthyMs,
    },
    { figure: 'documents written after the outage', value: result.present, unit: `of ${EVENTS}`, goal: `${EVENTS}`, met: result.present === EVENTS },
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
