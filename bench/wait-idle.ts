// `?wait=true` for one event at idle (issue 20): POST /api/events?wait=true with one upsert (the
// example of docs/sending-data.md: a customer's name and segment), one request at a time, the host idle before
// each (no queued operation, every earlier event through its trigger); p50 and p99 of the round
// trip as the client sees it. Baselines, interleaved with it in the same run: the same POST without
// ?wait (answered once the event is handed to the event hub binding) and GET /api/health. The host
// runs as `npm start` runs it, in its own process (bench/served-host.ts), sample contracts,
// memory store; BENCH_WAIT_N requests of each kind (200).
import { report } from './lib';
import { postEvents, withServedHost } from './served-host';

const N = Number(process.env.BENCH_WAIT_N ?? 200);
const WARMUP = 20;
const CUSTOMERS = 50;
const CONTRACTS = 'contracts/telecom';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

let sequence = 0;
const upsert = (i: number) => ({
  specversion: '1.0',
  id: `w${++sequence}`,
  source: 'crm',
  type: 'meshgraph.node.upsert',
  subject: `Customer/w${i % CUSTOMERS}`,
  sequence,
  data: { name: `Ada ${sequence}`, segment: sequence % 2 ? 'vip' : 'consumer' },
});

/** Until no operation is queued or running and the trigger has had every event posted without ?wait. */
async function untilIdle(url: string, streamed: number): Promise<void> {
  for (;;) {
    const s = (await (await fetch(`${url}/admin/host/status`)).json()) as {
      pendingOperations: number;
      running: number;
      entitiesWithWork: number;
      eventStream: { events: number };
    };
    if (s.pendingOperations === 0 && s.running === 0 && s.entitiesWithWork === 0 && s.eventStream.events >= streamed) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  await withServedHost('wait', CONTRACTS, async ({ url }) => {
    await postEvents(
      url,
      Array.from({ length: CUSTOMERS }, (_, i) => upsert(i)),
      true,
    );
    let streamed = 0;
    const kinds = {
      wait: () => postEvents(url, [upsert(sequence)], true),
      noWait: async () => {
        await postEvents(url, [upsert(sequence)], false);
        streamed++;
      },
      health: async () => {
        const res = await fetch(`${url}/api/health`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`GET /api/health answered ${res.status}`);
      },
    };
    const times: Record<keyof typeof kinds, number[]> = { wait: [], noWait: [], health: [] };
    for (let i = 0; i < WARMUP + N; i++) {
      for (const kind of Object.keys(kinds) as Array<keyof typeof kinds>) {
        await untilIdle(url, streamed);
        const t0 = performance.now();
        await kinds[kind]();
        if (i >= WARMUP) times[kind].push(performance.now() - t0);
      }
    }
    const [wait, noWait, health] = [times.wait, times.noWait, times.health].map((xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) }));
    process.stderr.write(
      `?wait=true p50 ${wait!.p50.toFixed(1)} p99 ${wait!.p99.toFixed(1)} ms; without ?wait p50 ${noWait!.p50.toFixed(1)} p99 ${noWait!.p99.toFixed(1)} ms; GET /api/health p50 ${health!.p50.toFixed(1)} p99 ${health!.p99.toFixed(1)} ms\n`,
    );
    report(`wait-idle (${N} requests of each kind, one at a time, host idle before each)`, [
      {
        figure: '?wait=true, one event at idle, p50',
        value: wait!.p50,
        unit: 'ms',
        baseline: noWait!.p50,
        baselineLabel: 'ms the same POST without ?wait',
        ratio: wait!.p50 / noWait!.p50,
      },
      {
        figure: '?wait=true, one event at idle, p99',
        value: wait!.p99,
        unit: 'ms',
        baseline: noWait!.p99,
        baselineLabel: 'ms the same POST without ?wait',
        ratio: wait!.p99 / noWait!.p99,
      },
      {
        figure: '?wait=true, one event at idle, p50 vs GET /api/health',
        value: wait!.p50,
        unit: 'ms',
        baseline: health!.p50,
        baselineLabel: 'ms GET /api/health',
        ratio: wait!.p50 / health!.p50,
      },
      {
        figure: '?wait=true, one event at idle, p99 vs GET /api/health',
        value: wait!.p99,
        unit: 'ms',
        baseline: health!.p99,
        baselineLabel: 'ms GET /api/health',
        ratio: wait!.p99 / health!.p99,
      },
    ]);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
