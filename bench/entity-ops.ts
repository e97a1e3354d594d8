// Entity operations per second through the local host (memory, SQLite and Azurite stores) for a
// no-op entity, against a bare loop that calls the same entity handler directly in the same run;
// the SQLite store (the default) also against the memory store.
// Operations enter through the host's signal path (the one the durable client HTTP API calls),
// so enqueue durability, scheduling, the batch protocol and state commits are all counted.
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { loadApp } from '../host/worker/app';
import { startHost } from '../host/main';
import { startTestAzurite } from '../host/harness/azurite';
import type { HostStoreKind } from '../core/config';
import { report, type Figure } from './lib';

const APP = path.join(__dirname, 'fixtures/noop-app.ts');
const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 1000);

async function bareLoop(ops: number): Promise<number> {
  const app = loadApp('bare', APP);
  const handler = app.functions[0]!.registration.handler as (input: unknown, ctx: unknown) => Promise<{ entityState: string }>;
  const states = new Map<string, string | undefined>();
  const context = new InvocationContext({ functionName: 'noop' });
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const key = `k${i % ENTITIES}`;
    const state = states.get(key);
    const out = await handler(
      { self: { name: 'noop', key }, exists: state !== undefined, state, batch: [{ id: String(i), name: 'tick', signal: true, input: '' }] },
      context,
    );
    states.set(key, out.entityState);
  }
  const seconds = (performance.now() - t0) / 1000;
  app.unload();
  return ops / seconds;
}

async function throughHost(store: HostStoreKind, ops: number, connectionString?: string): Promise<{ perSecond: number; perBatch: number }> {
  if (connectionString) process.env.AzureWebJobsStorage = connectionString;
  const host = await startHost({
    apps: [{ name: 'bench', entry: APP }],
    port: 0,
    store,
    log: () => {},
    ...(process.env.BENCH_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONCURRENCY) } : {}),
  });
  const t0 = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < ops; i++) {
    sends.push(host.runtime.signal('noop', `k${i % ENTITIES}`, 'tick', ''));
    if (sends.length >= 2000) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  await host.runtime.idle();
  const seconds = (performance.now() - t0) / 1000;
  const { operations, batches } = host.runtime.counters;
  if (operations !== ops) throw new Error(`expected ${ops} operations, host ran ${operations}`);
  await host.stop();
  return { perSecond: ops / seconds, perBatch: operations / batches };
}

async function main(): Promise<void> {
  process.env.AzureWebJobsStorage ??= 'UseDevelopmentStorage=true';
  const memOps = Number(process.env.BENCH_OPS ?? 100_000);
  const azOps = Number(process.env.BENCH_AZURITE_OPS ?? 30_000);
  await bareLoop(5000); // warm-up: JIT and module load
  const bare = await bareLoop(memOps);
  const memory = await throughHost('memory', memOps);
  const azurite = await startTestAzurite();
  let onSqlite: { perSecond: number; perBatch: number };
  let onAzurite: { perSecond: number; perBatch: number };
  try {
    onSqlite = await throughHost('sqlite', memOps, azurite.connectionString);
    onAzurite = await throughHost('azurite', azOps, azurite.connectionString);
  } finally {
    await azurite.stop();
  }
  const figures: Figure[] = [
    {
      figure: 'entity ops/s, host, memory store',
      value: memory.perSecond,
      unit: 'ops/s',
      baseline: bare,
      baselineLabel: 'ops/s bare loop',
      ratio: memory.perSecond / bare,
      goal: '>= 0.3x bare',
      met: memory.perSecond / bare >= 0.3,
    },
    {
      figure: 'entity ops/s, host, SQLite store',
      value: onSqlite.perSecond,
      unit: 'ops/s',
      baseline: memory.perSecond,
      baselineLabel: 'ops/s memory store',
      ratio: onSqlite.perSecond / memory.perSecond,
      goal: '>= 0.8x memory',
      met: onSqlite.perSecond / memory.perSecond >= 0.8,
    },
    {
      figure: 'entity ops/s, host, Azurite store',
      value: onAzurite.perSecond,
      unit: 'ops/s',
      baseline: bare,
      baselineLabel: 'ops/s bare loop',
      ratio: onAzurite.perSecond / bare,
      goal: '>= 2,000 ops/s',
      met: onAzurite.perSecond >= 2000,
    },
    { figure: 'operations per entity batch, memory', value: memory.perBatch, unit: 'ops' },
    { figure: 'operations per entity batch, SQLite', value: onSqlite.perBatch, unit: 'ops' },
    { figure: 'operations per entity batch, Azurite', value: onAzurite.perBatch, unit: 'ops' },
  ];
  report(`entity-ops (${ENTITIES} entities, ${memOps} ops memory and SQLite, ${azOps} ops Azurite)`, figures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
