// `meshgraph demo generate [--customers N] [--seed S] [--out FILE|-] [--canonical] [--format csv]`:
// demo events as NDJSON for the data product MESH_CONTRACTS names, or its source records as one
// CSV file per record type; progress on stderr.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CompiledDataProduct } from '../core/contracts';
import { writeRecordFiles } from '../connectors/files/record-files';
import { createDemoGenerator } from '../core/demo/generate';
import type { DemoStats } from '../core/demo/generate';
import { isDemoScenario } from '../core/demo/scenario';
import { demoProgress, type DemoProgress } from '../core/progress';
import { UserError } from '../core/errors';
import { wholeNumber, type CommandIO, type Parsed } from './args';
import { DEMO_GENERATE } from './commands';
import { loadProduct } from './product';

/** Writes ~1 MB chunks and waits for the stream to drain, so memory stays flat at any size. */
const CHUNK_CHARS = 1 << 20;

export async function writeDemo(
  compiled: CompiledDataProduct,
  out: Writable,
  options: { roots: number; seed: number; canonical: boolean },
  progress?: DemoProgress,
): Promise<DemoStats> {
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

export async function demoGenerateCommand({ values }: Parsed<typeof DEMO_GENERATE>, _io: CommandIO): Promise<number> {
  const options = {
    roots: wholeNumber(values.customers ?? '1000', 'customers', 0, DEMO_GENERATE.name),
    seed: wholeNumber(values.seed ?? '1', 'seed', 0, DEMO_GENERATE.name),
    canonical: values.canonical,
  };
  const compiled = await loadProduct(values.contracts);
  if (!isDemoScenario(compiled.product.demo)) {
    process.stderr.write(`${DEMO_GENERATE.name}: the data product ${compiled.model.name} has no demo scenario (export one as demo)\n`);
    return 2;
  }
  const label = (compiled.product.demo as { rootLabel?: string }).rootLabel ?? 'roots';
  if (values.format === 'csv') {
    if (values.out === undefined || values.out === '-' || options.canonical) {
      process.stderr.write(`${DEMO_GENERATE.name}: --format csv writes source records to a folder: give --out DIR (and no --canonical)\n`);
      return 2;
    }
    const generator = createDemoGenerator(compiled, compiled.product.demo, options);
    const files = writeRecordFiles([...generator.batches()].flat(), compiled.model, values.out);
    for (const f of files) process.stdout.write(`${f.file}  ${f.rows} rows  (${f.type})\n`);
    process.stderr.write(`demo: ${generator.stats.records} records in ${files.length} files for ${generator.stats.roots} ${label}\n`);
    return 0;
  }
  const out = values.out === undefined || values.out === '-' ? process.stdout : createWriteStream(values.out);
  const started = performance.now();
  const stats = await writeDemo(compiled, out, options, demoProgress(options.roots, label, process.stderr));
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `demo: ${stats.events} events (${stats.nodes} nodes, ${stats.updates} updates, ${stats.outOfOrder} out of order, ${stats.duplicates} duplicates, ${stats.deletes} deletes) for ${stats.roots} ${label} in ${seconds.toFixed(1)} s\n`,
  );
  return 0;
}
