// A high-degree fan-out through the local host (memory store): a Plan with BENCH_FANOUT_N lines
// (default 50,000) is renamed, and every line must hear it (its planInfo). Measured: the most
// operations queued at once during the fan-out, against the degree (what the queue held when
// every bucket fanned out at once), and the rate of neighbour updates during the fan-out,
// against the rate the same host ran node operations loading the lines, in the same run.
// (Before the chains, every bucket fanned out at once: the queue held all N updates at its peak,
// and a 20,000-line rename took the same 4 s.)
import { withBenchHost } from './host';
import { FANOUT_LANES } from '../actors/messages/bucket';
import { report } from './lib';

const N = Number(process.env.BENCH_FANOUT_N ?? 50_000);
const CHUNK = 2000;

let n = 0;
const ce = (source: string, type: string, subject: string, sequence: number, data: unknown) => ({
  specversion: '1.0',
  id: `f${++n}`,
  source,
  type,
  subject,
  sequence,
  data,
});

async function main(): Promise<void> {
  await withBenchHost('fanout', { env: { MESH_CONTRACTS: 'contracts/telecom' } }, async (host) => {
    const post = async (events: unknown[]) => {
      const res = await fetch(`${host.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(events),
      });
      const body = (await res.json()) as { accepted: number; rejected: unknown[] };
      if (body.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(body.rejected.slice(0, 2))}`);
    };
    await post([ce('catalog', 'meshgraph.node.upsert', 'Plan/P1', 1, { name: 'Old' })]);
    await host.runtime.idle();
    const nodeOps = () => Object.entries(host.runtime.operationsByName).reduce((sum, [name, count]) => sum + (name.startsWith('node.') ? count : 0), 0);
    const loadOps0 = nodeOps();
    const t0 = performance.now();
    let last = t0;
    for (let i = 0; i < N; i += CHUNK) {
      const events: unknown[] = [];
      for (let k = i; k < Math.min(N, i + CHUNK); k++)
        events.push(
          ce('billing', 'meshgraph.node.upsert', `Line/L${k}`, 2 * k + 10, { status: 'active' }),
          ce('billing', 'meshgraph.edge.link', `Line/L${k}`, 2 * k + 11, { rel: 'plan', to: 'Plan/P1' }),
        );
      await post(events);
      while (host.runtime.depth().pendingOperations > 20_000) await new Promise((r) => setTimeout(r, 20));
      if (performance.now() - last > 10_000) {
        last = performance.now();
        process.stderr.write(`fanout: ${Math.min(N, i + CHUNK)}/${N} lines posted, ${((last - t0) / 1000).toFixed(0)} s\n`);
      }
    }
    await host.runtime.idle();
    const loadRate = (nodeOps() - loadOps0) / ((performance.now() - t0) / 1000);

    const before = { ...host.runtime.operationsByName };
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, host.runtime.depth().pendingOperations)), 5);
    const t1 = performance.now();
    await post([ce('catalog', 'meshgraph.node.upsert', 'Plan/P1', 2, { name: 'New' })]);
    await host.runtime.idle();
    const seconds = (performance.now() - t1) / 1000;
    clearInterval(sampler);
    const updates = (host.runtime.operationsByName['node.neighbour'] ?? 0) - (before['node.neighbour'] ?? 0);
    if (updates < N) throw new Error(`only ${updates} of ${N} lines heard the rename`);
    const bound = Math.max(1000, Math.ceil(N / 64));
    report(`fanout (a Plan with ${N} lines renamed, ${FANOUT_LANES} chains of buckets)`, [
      {
        figure: `most operations queued during a fan-out to ${N} neighbours`,
        value: peak,
        unit: 'ops',
        baseline: N,
        baselineLabel: 'neighbours',
        ratio: peak / N,
        goal: `<= ${bound} (not the degree)`,
        met: peak <= bound,
      },
      {
        figure: 'fan-out neighbour updates/s',
        value: updates / seconds,
        unit: 'ops/s',
        baseline: loadRate,
        baselineLabel: 'node ops/s loading',
        ratio: updates / seconds / loadRate,
      },
    ]);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
