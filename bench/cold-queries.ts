// The cold app's heavy queries on the demo data (~100k nodes), through the local host (memory
// store): subgraph depth 3 latency p50/p99 against GET /api/cold/health in the same run (the floor
// of one request through the host), and a reindex of every type while queries run: its duration
// against the time the ingestion took, and the number of failed queries (goal 0).
import http from 'node:http';
import path from 'node:path';
import { loadDataProduct } from '../adapters/contracts/load';
import { createDemoGenerator } from '../core/demo/generate';
import { isDemoScenario } from '../core/demo/scenario';
import { HOT_APP, withBenchHost } from './host';
import { report } from './lib';
import { principalHeader } from '../core/auth/principal';
import { ADMIN_ROLE } from '../core/auth/roles';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function longPost(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const compiled = await loadDataProduct();
  if (!isDemoScenario(compiled.product.demo)) throw new Error('no demo scenario');
  const roots = Number(process.env.BENCH_ROOTS ?? 12_000);
  const gen = createDemoGenerator(compiled, compiled.product.demo, { roots, seed: 11, canonical: false });
  const lines = [...gen.batches()].flat().map((e) => JSON.stringify(e));
  const apps = [HOT_APP, { name: 'cold', entry: path.join(__dirname, '../functions/cold/index.ts') }];
  await withBenchHost('subgraph', { apps, env: { AzureWebJobsStorage: 'UseDevelopmentStorage=true' } }, async (host) => {
    const t0 = performance.now();
    for (let i = 0; i < lines.length; i += 2000) {
      const res = await fetch(`${host.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: lines.slice(i, i + 2000).join('\n'),
      });
      if (res.status !== 202) throw new Error(`ingest ${res.status}`);
    }
    await host.runtime.idle();
    const loadMs = performance.now() - t0;
    process.stderr.write(`loaded ${lines.length} events (${gen.stats.nodes} nodes) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    // Roots of the demo neighbourhoods: nodes of the contract's first type, from the entity listing.
    const rootType = Object.keys(compiled.model.types)[0]!;
    const keys: string[] = [];
    for (let page = await host.runtime.list('node', 1000); keys.length < 200;) {
      keys.push(...page.entities.map((e) => e.id.slice('@node@'.length)).filter((k) => k.startsWith(`${rootType}:`)));
      if (!page.continuation) break;
      page = await host.runtime.list('node', 1000, page.continuation);
    }
    const customers = keys.slice(0, 200).map((k) => `${host.url}/api/nodes/${rootType}/${encodeURIComponent(k.slice(rootType.length + 1))}/subgraph?depth=3`);
    const floor: number[] = [];
    const walks: number[] = [];
    for (const url of customers.slice(0, 20)) await timed(url); // warm-up
    for (const url of customers) {
      floor.push(await timed(`${host.url}/api/cold/health`));
      walks.push(await timed(url));
    }

    // Reindex everything while a reader keeps searching the root type through the index.
    const { openProjectionStore } = await import('../functions/shared/search-store');
    const index = await openProjectionStore(compiled.model);
    let queries = 0;
    let failed = 0;
    let done = false;
    const reader = (async () => {
      while (!done) {
        queries++;
        await index.search(rootType, { first: 20 }).catch(() => failed++);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const r0 = performance.now();
    // node:http, not fetch: fetch gives up on a response that takes more than 5 minutes to start.
    const res = await longPost(`${host.url}/api/admin/reindex`, { 'x-ms-client-principal': principalHeader([ADMIN_ROLE]) });
    const reindexMs = performance.now() - r0;
    done = true;
    await reader;
    if (res.status !== 200) throw new Error(`reindex answered ${res.status}: ${res.body}`);
    const copied = (JSON.parse(res.body) as { reindexed: Array<{ documents: number }> }).reindexed.reduce((n, r) => n + r.documents, 0);
    report(`cold queries (${gen.stats.nodes} nodes; subgraph from ${customers.length} ${rootType} roots)`, [
      {
        figure: 'subgraph depth 3, p50',
        value: percentile(walks, 50),
        unit: 'ms',
        baseline: percentile(floor, 50),
        baselineLabel: 'ms health p50',
        ratio: percentile(walks, 50) / percentile(floor, 50),
      },
      {
        figure: 'subgraph depth 3, p99',
        value: percentile(walks, 99),
        unit: 'ms',
        baseline: percentile(floor, 99),
        baselineLabel: 'ms health p99',
        ratio: percentile(walks, 99) / percentile(floor, 99),
      },
      {
        figure: `reindex of every type (${copied} documents)`,
        value: reindexMs / 1000,
        unit: 's',
        baseline: loadMs / 1000,
        baselineLabel: 's to ingest them',
        ratio: reindexMs / loadMs,
      },
      { figure: `failed queries during the reindex (of ${queries})`, value: failed, unit: '', goal: '0', met: failed === 0 },
    ]);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
