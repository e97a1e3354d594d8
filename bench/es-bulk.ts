// Elasticsearch `_bulk` requests per 1,000 projected documents when many entity invocations hand
// over small batches at once, through the Elasticsearch store on the client's mock connection.
// Baseline (same run): each invocation writes its own batch. Measured: a minimal coalescing
// writer (flush at BENCH_FLUSH_DOCS documents or BENCH_FLUSH_MS ms, one flush in flight; each
// invocation is answered once its documents are written), standing in for the group-commit
// projection writer, which lives with the host.
import { Client } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { ElasticsearchProjectionStore } from '../adapters/search/elasticsearch';
import type { ProjectionDoc, ProjectionStore } from '../core/projection/port';
import { report } from './lib';

const DOCS = Number(process.env.BENCH_DOCS ?? 20_000);
// Concurrent entity invocations; each waits for its documents, so fewer writers mean smaller flushes.
const WRITER_COUNTS = (process.env.BENCH_WRITERS ?? '64,256').split(',').map(Number);
const FLUSH_DOCS = Number(process.env.BENCH_FLUSH_DOCS ?? 1_000);
const FLUSH_MS = Number(process.env.BENCH_FLUSH_MS ?? 5);

function mockedStore(): { store: ElasticsearchProjectionStore; requests: () => number } {
  const mock = new Mock();
  let requests = 0;
  mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
    requests++;
    const lines = params.body as unknown as Array<{ index?: { _id: string } }>;
    const items = lines.filter((l) => l.index).map((l) => ({ index: { _index: 'meshgraph-customer_v1', _id: l.index!._id, status: 201 } }));
    return { took: 1, errors: false, items };
  });
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() });
  return { store: new ElasticsearchProjectionStore({ client }), requests: () => requests };
}

/** The smallest writer that coalesces: a queue, a size trigger, a timer, one flush at a time. */
function coalescing(store: ProjectionStore) {
  let queue: Array<{ docs: ProjectionDoc[]; done: () => void }> = [];
  let queued = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (flushing) await flushing;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    queued = 0;
    flushing = store.bulk(batch.flatMap((b) => b.docs)).then(() => batch.forEach((b) => b.done()));
    await flushing;
    flushing = undefined;
  }
  return (docs: ProjectionDoc[]) =>
    new Promise<void>((done) => {
      queue.push({ docs, done });
      queued += docs.length;
      if (queued >= FLUSH_DOCS) void flush();
      else timer ??= setTimeout(() => void flush(), FLUSH_MS);
    });
}

async function run(writers: number, write: (docs: ProjectionDoc[]) => Promise<unknown>): Promise<void> {
  let next = 0;
  let seed = 7;
  const size = () => 1 + ((seed = (seed * 48271) % 2147483647) % 10);
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < DOCS) {
        const docs: ProjectionDoc[] = [];
        for (let n = size(); n > 0 && next < DOCS; n--, next++) docs.push({ id: `Customer:c${next}`, type: 'Customer', version: 1, body: { id: `c${next}`, name: `Name ${next}` } });
        await write(docs);
      }
    }),
  );
}

async function main(): Promise<void> {
  const per1000 = (requests: number) => (requests * 1000) / DOCS;
  const figures = [];
  for (const writers of WRITER_COUNTS) {
    const direct = mockedStore();
    await run(writers, (docs) => direct.store.bulk(docs));
    const coalesced = mockedStore();
    await run(writers, coalescing(coalesced.store));
    const value = per1000(coalesced.requests());
    const baseline = per1000(direct.requests());
    figures.push({ figure: `bulk requests per 1,000 docs, ${writers} writers`, value, unit: 'requests', baseline, baselineLabel: 'req, one per batch', ratio: value / baseline, goal: '<= 2', met: value <= 2 });
  }
  report('es-bulk', figures);
}

void main();
