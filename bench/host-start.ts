// Host start to healthy on each entity store: from spawning `meshgraph start --no-build` to the
// first 200 from /api/health, against spawning `node -e 0` (bare Node start and exit) in the
// same run.
// Also prints the bundle sizes of dist/hot and dist/cold (built first).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApps } from '../cli/build';
import { connectionStringFor } from '../host/azurite';
import { startTestAzurite } from '../host/harness/azurite';
import { freePort, msToRun, msUntilOk } from '../host/harness/processes';
import { median, report, type Figure } from './lib';
import type { HostStoreKind } from '../core/config';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function timeToHealthy(store: HostStoreKind, env: Record<string, string>): Promise<number> {
  const port = await freePort();
  return msUntilOk(['--import', 'tsx', 'cli/main.ts', 'start', '--no-build', '--store', store, '--port', String(port)], `http://127.0.0.1:${port}/api/health`, {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
}

async function main(): Promise<void> {
  const built = await buildApps(ROOT);
  // An Azurite per data directory (each serves one), on free ports.
  const azurite = await startTestAzurite();
  const sqliteAzurite = await startTestAzurite();
  // Data directories of their own: a host running on the project's .data would refuse these.
  const memoryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-'));
  const azuriteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-'));
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-'));
  const bare: number[] = [];
  const memory: number[] = [];
  const sqlite: number[] = [];
  const onAzurite: number[] = [];
  const withOwnAzurite: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      bare.push(msToRun(['-e', '0'], { cwd: ROOT }));
      memory.push(await timeToHealthy('memory', { MESH_DATA_DIR: memoryDir }));
      sqlite.push(await timeToHealthy('sqlite', { AzureWebJobsStorage: sqliteAzurite.connectionString, MESH_DATA_DIR: sqliteDir }));
      onAzurite.push(await timeToHealthy('azurite', { AzureWebJobsStorage: azurite.connectionString, MESH_DATA_DIR: azuriteDir }));
      // Nothing listens on these ports: the host starts (and stops) Azurite itself, as `npm start` does.
      const ports = { blob: await freePort(), queue: await freePort(), table: await freePort() };
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-bench-'));
      withOwnAzurite.push(await timeToHealthy('azurite', { AzureWebJobsStorage: connectionStringFor(ports), MESH_DATA_DIR: dataDir }));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  } finally {
    await azurite.stop();
    await sqliteAzurite.stop();
    for (const dir of [memoryDir, azuriteDir, sqliteDir]) fs.rmSync(dir, { recursive: true, force: true });
  }
  const b = median(bare);
  const figures: Figure[] = [
    {
      figure: 'host start to healthy, memory store (median)',
      value: median(memory),
      unit: 'ms',
      baseline: b,
      baselineLabel: 'ms node -e 0',
      ratio: median(memory) / b,
    },
    {
      figure: 'host start to healthy, SQLite store, Azurite running (median)',
      value: median(sqlite),
      unit: 'ms',
      baseline: b,
      baselineLabel: 'ms node -e 0',
      ratio: median(sqlite) / b,
    },
    {
      figure: 'host start to healthy, Azurite store, Azurite running (median)',
      value: median(onAzurite),
      unit: 'ms',
      baseline: b,
      baselineLabel: 'ms node -e 0',
      ratio: median(onAzurite) / b,
    },
    {
      figure: 'host start to healthy, Azurite store, starting Azurite (median)',
      value: median(withOwnAzurite),
      unit: 'ms',
      baseline: b,
      baselineLabel: 'ms node -e 0',
      ratio: median(withOwnAzurite) / b,
    },
    ...built.map((a) => ({ figure: `bundle size dist/${a.name}/main.js (minified)`, value: a.bytes / 1024, unit: 'KB' })),
  ];
  report(`host-start (${RUNS} runs each)`, figures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
