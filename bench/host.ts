// The local host as the benchmarks run it: on a data directory of its own, without an Event Hub,
// stopped and its directory removed once the benchmark's body is done (or failed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost, type HostOptions, type RunningHost } from '../host/main';

export const HOT_APP = { name: 'hot', entry: path.join(__dirname, '../functions/index.ts') };

export interface BenchHostOptions extends Partial<HostOptions> {
  /** Settings besides MESH_DATA_DIR and EventHubConnection (set in process.env before the start). */
  env?: Record<string, string>;
  /** Writes into the data directory before the host starts (e.g. a demo file). */
  prepare?: (dataDir: string) => void;
}

/** Runs `body` against a local host (the hot app, memory store, a free port, no log by default). */
export async function withBenchHost<T>(name: string, options: BenchHostOptions, body: (host: RunningHost, dataDir: string) => Promise<T>): Promise<T> {
  const { env, prepare, ...hostOptions } = options;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `meshgraph-bench-${name}-`));
  try {
    prepare?.(dataDir);
    Object.assign(process.env, { MESH_DATA_DIR: dataDir, EventHubConnection: '', ...env });
    const host = await startHost({
      apps: [HOT_APP],
      port: 0,
      store: 'memory',
      log: process.env.BENCH_LOG
        ? (e) => {
            if (e.level !== 'info' && e.level !== 'debug') process.stderr.write(`${e.level} ${e.message}\n`);
          }
        : () => {},
      ...hostOptions,
    });
    try {
      return await body(host, dataDir);
    } finally {
      await host.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
