// `meshgraph start`: builds both apps and runs them in the local host (Azurite by default).
import path from 'node:path';
import { APPS, buildApps } from './build';
import { startHost } from '../host/main';
import { ConfigError } from '../core/errors';
import { option } from './args';

export async function startCommand(args: string[]): Promise<number> {
  const opt = (name: string) => option(args, name);
  const which = opt('app') ?? 'all';
  if (!['hot', 'cold', 'all'].includes(which)) {
    process.stderr.write(`--app must be hot, cold or all (got ${which})\n`);
    return 2;
  }
  const storeArg = opt('store');
  if (storeArg !== undefined && storeArg !== 'azurite' && storeArg !== 'memory') {
    process.stderr.write(`--store must be azurite or memory (got ${storeArg})\n`);
    return 2;
  }
  const store: 'azurite' | 'memory' | undefined = storeArg;
  // --no-build runs what dist/ holds (e.g. right after `npm run build`).
  const mains = args.includes('--no-build') ? APPS.map((a) => ({ name: a.name, main: path.join('dist', a.name, 'main.js') })) : await buildApps();
  const apps = mains.filter((a) => which === 'all' || a.name === which).map((a) => ({ name: a.name, entry: path.relative(process.cwd(), a.main) }));
  let host;
  try {
    host = await startHost({ apps, ...(opt('port') ? { port: Number(opt('port')) } : {}), ...(store ? { store } : {}) });
  } catch (err) {
    process.stderr.write(`meshgraph: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  process.stdout.write(`\nmeshgraph is running: ${host.url}/api/health\nPress Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = () => {
      if (++signals > 1) process.exit(130); // a second Ctrl-C: stop waiting
      process.stdout.write('\nstopping: finishing batches in flight…\n');
      host.stop().then(resolve, (err) => {
        process.stderr.write(`stop failed: ${err}\n`);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}
