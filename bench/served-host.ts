// The local host in a child process, as `npm start` runs it: plain JavaScript (the host bundled as
// the command line is, the hot app built as `meshgraph build` builds it), the memory entity store.
// What the HTTP benchmarks measure, with their load generators in their own process.
// BENCH_HOST_SOURCE=1 runs the sources under tsx instead (what the tests run; tsx adds costs of
// its own, such as a loader round trip for every dynamic import() and name wrappers).
// Run as `served-host.js --serve-host` it is the child: it starts the host on the apps that
// BENCH_HOST_APPS lists, prints {"url"} on a line, and takes lines on stdin: cpu (it answers its
// CPU time so far), profile-start and profile-stop FILE (its CPU profile, written to FILE).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.join(__dirname, '..');

export interface AppEntry {
  name: string;
  entry: string;
}

export interface HostBuild {
  /** `node` and its arguments that run this file. */
  node: string[];
  apps: AppEntry[];
  /** Removes what the build wrote. */
  remove(): void;
}

export interface ServedHost {
  url: string;
  /** The host process's CPU time so far (user + system), in microseconds. */
  cpu(): Promise<number>;
  /** Runs `during` with the host's CPU profiler on, then writes the profile to `file`. */
  profile(file: string, during: () => Promise<unknown>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The hot app (built with `contracts` as MESH_CONTRACTS) and `extraApps` (TypeScript entries,
 * bundled like an app), and this file bundled, in a folder of .data/ of the checkout: the bundle
 * finds its dependencies in node_modules, as the command line's bundle does.
 */
export async function buildHost(contracts: string, extraApps: AppEntry[] = []): Promise<HostBuild> {
  if (process.env.BENCH_HOST_SOURCE === '1') {
    return { node: ['--import', 'tsx', __filename], apps: [{ name: 'hot', entry: path.join(ROOT, 'functions/index.ts') }, ...extraApps], remove: () => {} };
  }
  const { build } = await import('esbuild');
  const { buildApps } = await import('../cli/build');
  const { BUNDLE_CONTRACTS_FILE } = await import('../host/bundle-contracts');
  fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, '.data', 'bench-host-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const previous = process.env.MESH_CONTRACTS;
    process.env.MESH_CONTRACTS = contracts;
    let hot;
    try {
      hot = (await buildApps(ROOT, path.join(dir, 'dist'))).find((a) => a.name === 'hot')!;
    } finally {
      if (previous === undefined) delete process.env.MESH_CONTRACTS;
      else process.env.MESH_CONTRACTS = previous;
    }
    const options = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' } as const;
    const serve = path.join(dir, 'served-host.js');
    await build({ ...options, entryPoints: [__filename], outfile: serve, packages: 'external' });
    const apps: AppEntry[] = [{ name: 'hot', entry: hot.main }];
    for (const extra of extraApps) {
      const main = path.join(dir, 'dist', extra.name, 'main.js');
      await build({ ...options, entryPoints: [extra.entry], outfile: main, external: ['@azure/functions-core'] });
      // The host checks which data product a built app holds: these hold none of their own.
      fs.copyFileSync(path.join(hot.dir, BUNDLE_CONTRACTS_FILE), path.join(path.dirname(main), BUNDLE_CONTRACTS_FILE));
      apps.push({ name: extra.name, entry: main });
    }
    return { node: [serve], apps, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/** Starts the host of `build` with `env` (MESH_DATA_DIR, MESH_CONTRACTS, ...) in a child process. */
export function spawnHost(build: HostBuild, env: Record<string, string>): Promise<ServedHost> {
  const child: ChildProcess = spawn(process.execPath, [...build.node, '--serve-host'], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_HOST_APPS: JSON.stringify(build.apps) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
  return new Promise((resolve, reject) => {
    const early = (code: number | null) => reject(new Error(`the host exited early with ${code}`));
    child.once('exit', early);
    void nextLine().then((line) => {
      child.off('exit', early);
      resolve({
        url: (JSON.parse(line) as { url: string }).url,
        async cpu() {
          child.stdin!.write('cpu\n');
          return Number(await nextLine());
        },
        async profile(file, during) {
          child.stdin!.write('profile-start\n');
          await nextLine();
          await during();
          child.stdin!.write(`profile-stop ${path.resolve(file)}\n`);
          await nextLine();
        },
        async stop() {
          if (child.exitCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/**
 * Runs `body` against the hot app (built with `contracts`) served in a child process on a fresh
 * data directory of its own; stops the host and removes the build and the directory afterwards.
 */
export async function withServedHost<T>(name: string, contracts: string, body: (host: ServedHost) => Promise<T>): Promise<T> {
  const os = await import('node:os');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `meshgraph-bench-${name}-`));
  let build: HostBuild | undefined;
  let host: ServedHost | undefined;
  try {
    build = await buildHost(contracts);
    host = await spawnHost(build, {
      MESH_DATA_DIR: dataDir,
      MESH_CONTRACTS: contracts,
      EventHubConnection: '',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    });
    return await body(host);
  } finally {
    await host?.stop();
    build?.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** POST /api/events (`?wait=true` when `wait`); throws unless every event is accepted (and, waiting, applied). */
export async function postEvents(url: string, events: unknown[], wait: boolean): Promise<{ accepted: number; applied?: boolean }> {
  const res = await fetch(`${url}/api/events${wait ? '?wait=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  const body = (await res.json()) as { accepted: number; applied?: boolean };
  if (res.status !== 202 || body.accepted !== events.length || (wait && body.applied !== true))
    throw new Error(`POST /api/events answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

async function serveHost(): Promise<void> {
  const { startHost } = await import('../host/main');
  const apps = JSON.parse(process.env.BENCH_HOST_APPS ?? '[]') as AppEntry[];
  const host = await startHost({ apps, port: 0, store: 'memory', log: () => {} });
  const inspector = await import('node:inspector');
  const session = new inspector.Session();
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, file] = line.split(' ');
    if (command === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.stdout.write(`${user + system}\n`);
    } else if (command === 'profile-start') {
      session.connect();
      session.post('Profiler.enable', () => session.post('Profiler.start', () => process.stdout.write('profiling\n')));
    } else if (command === 'profile-stop' && file) {
      session.post('Profiler.stop', (err, result) => {
        if (!err) fs.writeFileSync(file, JSON.stringify(result.profile));
        session.disconnect();
        process.stdout.write('profiled\n');
      });
    }
  });
  process.stdout.write(JSON.stringify({ url: host.url }) + '\n');
  process.on('SIGTERM', () => void host.stop().then(() => process.exit(0)));
}

if (process.argv[2] === '--serve-host') {
  serveHost().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
