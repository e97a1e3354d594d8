// `meshgraph build` and `meshgraph start`: the apps are built from the package's sources into
// dist/ of the current folder (never into node_modules when meshgraph is installed), and `start`
// runs them in the local host until Ctrl-C.
import fs from 'node:fs';
import path from 'node:path';
import { APPS, buildApps, type BuiltApp } from './build';
import { startHost } from '../host/main';
import { UsageError, wholeNumber, type CommandIO, type Parsed } from './args';
import type { BUILD, START } from './commands';
import { PACKAGE_ROOT } from './package';
import { productForBuild } from './product';
import type { HostStoreKind } from '../core/config';

/** Builds both apps, with the data product MESH_CONTRACTS names, into ./dist. */
export async function buildHere(): Promise<BuiltApp[]> {
  await productForBuild();
  return buildApps(PACKAGE_ROOT, path.resolve('dist'));
}

export async function buildCommand(_parsed: Parsed<typeof BUILD>, io: CommandIO): Promise<number> {
  for (const a of await buildHere()) io.out(`${path.relative(process.cwd(), a.main)}  ${(a.bytes / 1024).toFixed(1)} KB\n`);
  return 0;
}

export async function startCommand({ values }: Parsed<typeof START>, io: CommandIO): Promise<number> {
  const port = values.port === undefined ? undefined : wholeNumber(values.port, 'port', 0, 'meshgraph start');
  if (port !== undefined && port > 65535) throw new UsageError(`--port must be a port number, 0 to 65535 (got ${port})`, 'meshgraph start');
  const which = values.app ?? 'all';
  const store = values.store as HostStoreKind | undefined;
  let mains: Array<{ name: string; main: string }>;
  if (values['no-build']) {
    mains = APPS.map((a) => ({ name: a.name, main: path.resolve('dist', a.name, 'main.js') }));
    const missing = mains.filter((a) => (which === 'all' || a.name === which) && !fs.existsSync(a.main));
    if (missing.length > 0) {
      io.err(
        `meshgraph start: --no-build, but ${missing.map((a) => path.relative(process.cwd(), a.main)).join(' and ')} is missing: run \`meshgraph build\` first\n`,
      );
      return 1;
    }
  } else mains = await buildHere();
  const apps = mains.filter((a) => which === 'all' || a.name === which).map((a) => ({ name: a.name, entry: a.main }));
  let host;
  try {
    host = await startHost({ apps, root: PACKAGE_ROOT, ...(port !== undefined ? { port } : {}), ...(store ? { store } : {}) });
  } catch (err) {
    io.err(`meshgraph start: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  io.out(`\nmeshgraph is running: ${host.url}/api/health\nPress Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = () => {
      if (++signals > 1) process.exit(130); // a second Ctrl-C: stop waiting
      io.out('\nstopping: finishing batches in flight…\n');
      host.stop().then(resolve, (err) => {
        io.err(`stop failed: ${err}\n`);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}
