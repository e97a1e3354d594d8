// Process helpers shared by tests and benchmarks: a free loopback port, and the time from
// spawning a process to its first 200 at a URL.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

/** Milliseconds from spawning `node args` until `url` answers 200 (a 503 means still starting). */
export async function msUntilOk(args: string[], url: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: 'ignore' });
  try {
    for (;;) {
      const status = await fetch(url).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return performance.now() - t0;
      if (status !== 0 && status !== 503) throw new Error(`${url} answered ${status}`);
      if (performance.now() - t0 > (options.timeoutMs ?? 60_000)) throw new Error(`${url} did not answer 200 within ${options.timeoutMs ?? 60_000} ms`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** Milliseconds a `node args` process takes from spawn to exit (it must exit 0). */
export function msToRun(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): number {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: options.cwd, stdio: 'ignore', env: options.env ?? process.env });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}`);
  return performance.now() - t0;
}
