// Cold start of the function apps, each against `node -e 0` (bare Node start) in the same run:
//  - bundle load: a fresh `node` that requires dist/<app>/main.js (what a cold instance adds to
//    the Functions worker's own start);
//  - first answer: a fresh process running the local host (bundled to plain JS, no tsx) with
//    dist/cold only, from spawn to the first 200 of GET /api/nodes/{type}/{id}/subgraph?depth=2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { buildApps } from '../cli/build';
import { startTestAzurite } from '../test/helpers/azurite';
import { freePort, msToRun, msUntilOk } from '../test/helpers/processes';
import { cloudEvent as ce, GRAPH_CONTRACTS, ingest, startMeshHost } from '../test/helpers/mesh-host';
import { median, report, type Figure } from './lib';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function main(): Promise<void> {
  process.env.MESH_CONTRACTS = GRAPH_CONTRACTS;
  const built = await buildApps(ROOT);
  const out = fs.mkdtempSync(path.join(ROOT, '.data', 'bench-cold-'));
  const hostJs = path.join(out, 'host.js');
  fs.writeFileSync(path.join(out, 'run.ts'), `import { startHost } from ${JSON.stringify(path.join(ROOT, 'host/main'))};\nstartHost({ apps: [{ name: 'cold', entry: ${JSON.stringify(built.find((a) => a.name === 'cold')!.main)} }], log: () => {} }).catch((e) => { console.error(e); process.exit(1); });\n`);
  await build({ entryPoints: [path.join(out, 'run.ts')], outfile: hostJs, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['@azure/functions-core', 'better-sqlite3', 'azurite'], logLevel: 'warning' });

  const azurite = await startTestAzurite();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-cold-bench-'));
  const figures: Figure[] = [];
  try {
    const mesh = await startMeshHost(azurite.connectionString, dataDir);
    await ingest(mesh.host.url, [ce('hr', 'upsert', 'Person/p1', 1, { name: 'Ada' }), ce('org', 'upsert', 'Team/t1', 1, { name: 'Core' }), ce('org', 'link', 'Person/p1', 2, { rel: 'teams', to: 'Team/t1' })]);
    await mesh.host.runtime.idle();
    await mesh.stop();
    const bare: number[] = [];
    const load: Record<string, number[]> = { hot: [], cold: [] };
    const first: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const env = { ...process.env, AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
      bare.push(msToRun(['-e', '0'], { cwd: ROOT, env }));
      for (const app of built) load[app.name]!.push(msToRun(['-e', `require(${JSON.stringify(app.main)})`], { cwd: ROOT, env }));
      const port = await freePort();
      first.push(await msUntilOk([hostJs], `http://127.0.0.1:${port}/api/nodes/Person/p1/subgraph?depth=2`, { cwd: ROOT, env: { ...process.env, AzureWebJobsStorage: azurite.connectionString, MESH_STORE: 'azurite', MESH_DATA_DIR: dataDir, PORT: String(port) }, timeoutMs: 30_000 }));
    }
    const b = median(bare);
    for (const app of built) figures.push({ figure: `${app.name} bundle load, fresh process (median)`, value: median(load[app.name]!), unit: 'ms', baseline: b, baselineLabel: 'ms node -e 0', ratio: median(load[app.name]!) / b, goal: app.name === 'cold' ? '<= 1.5x' : undefined, met: app.name === 'cold' ? median(load[app.name]!) / b <= 1.5 : undefined });
    figures.push({ figure: 'cold app, spawn to first subgraph answer (local host)', value: median(first), unit: 'ms', baseline: b, baselineLabel: 'ms node -e 0', ratio: median(first) / b, goal: '<= 1.5x', met: median(first) / b <= 1.5 });
    for (const app of built) figures.push({ figure: `bundle size dist/${app.name}/main.js (minified)`, value: app.bytes / 1024, unit: 'KB', ...(app.name === 'cold' ? { goal: '<= 200 KB', met: app.bytes / 1024 <= 200 } : {}) });
  } finally {
    await azurite.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
  report(`cold-start (${RUNS} runs each)`, figures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
