// Elasticsearch `_bulk` requests per 1,000 projected documents when many entity invocations hand
// over small batches at once, through the real projection writer (adapters/projection/writer.ts)
// and the Elasticsearch store on the client's mock connection, answering each bulk after
// BENCH_ES_LATENCY_MS (a cluster is never instant, and group commit feeds on that wait).
// Each writer stands for an entity invocation: it hands over 1–10 documents of 4 node types and
// waits until the writer says they are durable, then hands over the next. Baseline (same run):
// each invocation sends its own bulk. Also the latency a caller sees (handed over -> durable).
import { Client } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { ProjectionWriter } from '../adapters/projection/writer';
import type { WriterOptions } from '../adapters/projection/writer';
import { ElasticsearchProjectionStore } from '../adapters/search/elasticsearch';
import type { ProjectionDoc } from '../core/projection/port';
import { report, type Figure } from './lib';

const DOCS = Number(process.env.BENCH_DOCS ?? 20_000);
// Concurrent entity invocations; each waits for its documents, so fewer writers mean smaller flushes.
const WRITER_COUNTS = (process.env.BENCH_WRITERS ?? '64,256').split(',').map(Number);
const LATENCY_MS = Number(process.env.BENCH_ES_LATENCY_MS ?? 5);
const TYPES = ['Customer', 'Account', 'Line', 'Device'];
const WRITER: WriterOptions = {
  ...(process.env.BENCH_FLUSH_DOCS ? { maxDocs: Number(process.env.BENCH_FLUSH_DOCS) } : {}),
  ...(process.env.BENCH_FLUSH_MS ? { maxDelayMs: Number(process.env.BENCH_FLUSH_MS) } : {}),
  ...(process.env.BENCH_IN_FLIGHT ? { maxInFlight: Number(process.env.BENCH_IN_FLIGHT) } : {}),
};

function mockedStore(): { store: ElasticsearchProjectionStore; requests: () => number } {
  const mock = new Mock();
  let requests = 0;
  mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
    requests++;
    const lines = params.body as unknown as Array<{ index?: { _id: string; _index: string } }>;
    const items = lines.filter((l) => l.index).map((l) => ({ index: { _index: `${l.index!._index}_v1`, _id: l.index!._id, status: 201 } }));
    return { took: LATENCY_MS, errors: false, items };
  });
  const Delayed = mock.getConnection();
  // The mock answers at once; a cluster answers after a while.
  const answer = Delayed.prototype.request;
  Delayed.prototype.request = async function (this: InstanceType<typeof Delayed>, ...args: Parameters<typeof answer>) {
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    return answer.apply(this, args);
  } as typeof answer;
  const client = new Client({ node: 'http://localhost:9200', Connection: Delayed });
  return { store: new ElasticsearchProjectionStore({ client }), requests: () => requests };
}

/** Runs the writers; returns each hand-over's wait in ms. */
async function run(writers: number, write: (docs: ProjectionDoc[]) => Promise<unknown>): Promise<number[]> {
  let next = 0;
  let seed = 7;
  const size = () => 1 + ((seed = (seed * 48271) % 2147483647) % 10);
  const waits: number[] = [];
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < DOCS) {
        const docs: ProjectionDoc[] = [];
        for (let n = size(); n > 0 && next < DOCS; n--, next++) {
          const type = TYPES[next % TYPES.length]!;
          docs.push({ id: `${type}:k${next}`, type, version: 1, body: { id: `k${next}`, name: `Name ${next}` } });
        }
        const t0 = performance.now();
        await write(docs);
        waits.push(performance.now() - t0);
      }
    }),
  );
  return waits;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  const per1000 = (requests: number) => (requests * 1000) / DOCS;
  const figures: Figure[] = [];
  for (const writers of WRITER_COUNTS) {
    const direct = mockedStore();
    const directWaits = await run(writers, (docs) => direct.store.bulk(docs));
    const grouped = mockedStore();
    const writer = new ProjectionWriter(grouped.store, WRITER);
    const waits = await run(writers, (docs) => writer.write(docs));
    const value = per1000(grouped.requests());
    const baseline = per1000(direct.requests());
    figures.push({
      figure: `bulk requests per 1,000 docs, ${writers} writers`,
      value,
      unit: 'requests',
      baseline,
      baselineLabel: 'req, one per batch',
      ratio: value / baseline,
      goal: '<= 2',
      met: value <= 2,
    });
    for (const p of [0.5, 0.99]) {
      const ours = percentile(waits, p);
      const theirs = percentile(directWaits, p);
      figures.push({
        figure: `hand-over to durable p${p * 100}, ${writers} writers`,
        value: ours,
        unit: 'ms',
        baseline: theirs,
        baselineLabel: 'ms, one per batch',
        ratio: ours / theirs,
      });
    }
  }
  report('es-bulk', figures);
}

void main();
