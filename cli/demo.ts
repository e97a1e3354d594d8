// `meshgraph demo generate [--customers N] [--seed S] [--out FILE|-] [--canonical]`: demo events
// as NDJSON for the data product MESH_CONTRACTS names; progress on stderr.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { loadDataProduct } from '../core/contracts';
import type { CompiledDataProduct } from '../core/contracts';
import { createDemoGenerator } from '../core/demo/generate';
import type { DemoStats } from '../core/demo/generate';
import { isDemoScenario } from '../core/demo/scenario';
import { createProgress } from '../core/demo/progress';
import type { Progress } from '../core/demo/progress';
import { ConfigError, UserError, errorMessage } from '../core/errors';

export const DEMO_USAGE = `usage: meshgraph demo generate [--customers N] [--seed S] [--out FILE|-] [--canonical] [--contracts MODULE]

  --customers N   root entities to generate, each with its whole neighbourhood (default 1000)
  --seed S        the same seed gives the same events (default 1)
  --out FILE|-    NDJSON destination (default -, stdout)
  --canonical     canonical meshgraph.* events (mapped by the contracts) instead of source records
`;

const OPTIONS = {
  customers: { type: 'string', default: '1000' },
  seed: { type: 'string', default: '1' },
  out: { type: 'string', default: '-' },
  canonical: { type: 'boolean', default: false },
  contracts: { type: 'string' },
} as const;

/** Writes ~1 MB chunks and waits for the stream to drain, so memory stays flat at any size. */
const CHUNK_CHARS = 1 << 20;

export async function writeDemo(compiled: CompiledDataProduct, out: Writable, options: { roots: number; seed: number; canonical: boolean }, progress?: Progress): Promise<DemoStats> {
  const scenario = compiled.product.demo;
  if (!isDemoScenario(scenario)) throw new UserError(400, 'no-demo', `the data product ${compiled.model.name} has no demo scenario (export one as demo)`);
  const generator = createDemoGenerator(compiled, scenario, options);
  let chunk = '';
  for (const batch of generator.batches()) {
    for (const event of batch) chunk += JSON.stringify(event) + '\n';
    if (chunk.length >= CHUNK_CHARS) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
      progress?.(generator.stats.roots, generator.stats);
    }
  }
  if (chunk) out.write(chunk);
  progress?.(generator.stats.roots, generator.stats, true);
  return generator.stats;
}

function positiveInteger(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new UserError(400, 'bad-argument', `--${name} must be a whole number, got "${text}"`);
  return n;
}

export async function demoCommand(args: string[]): Promise<number> {
  try {
    const { positionals, values } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
    if (positionals[0] !== 'generate') {
      (positionals[0] === 'help' ? process.stdout : process.stderr).write(DEMO_USAGE);
      return positionals[0] === 'help' ? 0 : 2;
    }
    const options = { roots: positiveInteger(values.customers, 'customers'), seed: positiveInteger(values.seed, 'seed'), canonical: values.canonical };
    const compiled = await loadDataProduct(values.contracts);
    const label = (compiled.product.demo as { rootLabel?: string } | undefined)?.rootLabel ?? 'roots';
    const out = values.out === '-' ? process.stdout : createWriteStream(values.out);
    const started = performance.now();
    const stats = await writeDemo(compiled, out, options, createProgress(options.roots, label, process.stderr));
    if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`demo: ${stats.events} events (${stats.nodes} nodes, ${stats.updates} updates, ${stats.outOfOrder} out of order, ${stats.duplicates} duplicates, ${stats.deletes} deletes) for ${stats.roots} ${label} in ${seconds.toFixed(1)} s\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UserError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`meshgraph demo: ${errorMessage(err)}\n\n${DEMO_USAGE}`);
      return 2;
    }
    throw err;
  }
}
