// `meshgraph --help`: from spawning the bin (cli/bin.cjs, which runs the bundled command line) to
// its exit, against spawning `node -e 0` in the same run; and the same through `npx meshgraph`
// as the README shows it (npx's own start included).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { msToRun } from '../host/harness/processes';
import { median, report } from './lib';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);

function msToRunNpx(args: string[]): number {
  const t0 = performance.now();
  const run = spawnSync('npx', args, { cwd: ROOT, stdio: 'ignore' });
  if (run.status !== 0) throw new Error(`npx ${args.join(' ')} exited ${run.status}`);
  return performance.now() - t0;
}

// Builds dist/cli/meshgraph.cjs if it is missing or stale, so no run pays for it.
(require('../cli/bundle.cjs') as { ensureBundle(): string }).ensureBundle();
const bare: number[] = [];
const help: number[] = [];
const npx: number[] = [];
for (let i = 0; i < RUNS; i++) {
  bare.push(msToRun(['-e', '0'], { cwd: ROOT }));
  help.push(msToRun(['cli/bin.cjs', '--help'], { cwd: ROOT }));
  npx.push(msToRunNpx(['--no', 'meshgraph', '--help']));
}
const b = median(bare);
report(`cli-help (${RUNS} runs each)`, [
  {
    figure: 'meshgraph --help (node cli/bin.cjs), median',
    value: median(help),
    unit: 'ms',
    baseline: b,
    baselineLabel: 'ms node -e 0',
    ratio: median(help) / b,
    goal: '< 1,000 ms',
    met: median(help) < 1000,
  },
  {
    figure: 'npx meshgraph --help, median',
    value: median(npx),
    unit: 'ms',
    baseline: b,
    baselineLabel: 'ms node -e 0',
    ratio: median(npx) / b,
    goal: '< 1,000 ms',
    met: median(npx) < 1000,
  },
]);
