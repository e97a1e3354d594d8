// Demo generation: seconds to generate ~1M nodes (source-native and canonical NDJSON) for the
// data product MESH_CONTRACTS names, against a bare loop that stringifies and writes the same
// number of small JSON lines to the same sink, in the same run. Goal: 1M nodes in under a minute.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { loadDataProduct } from '../adapters/contracts/load';
import type { CompiledDataProduct } from '../core/contracts';
import { writeDemo } from '../cli/demo';
import { report, type Figure } from './lib';

const TARGET_NODES = Number(process.env.BENCH_NODES ?? 1_000_000);
const SINK = process.env.BENCH_DEMO_OUT ?? '/dev/null';

async function closed(out: Writable): Promise<void> {
  out.end();
  await once(out, 'finish');
}

async function timeDemo(compiled: CompiledDataProduct, roots: number, canonical: boolean) {
  const out = createWriteStream(SINK);
  const t0 = performance.now();
  const stats = await writeDemo(compiled, out, { roots, seed: 1, canonical });
  await closed(out);
  return { seconds: (performance.now() - t0) / 1000, stats };
}

/** The same number of lines, each a JSON.stringify of a small object, written the same way. */
async function bareLoop(lines: number): Promise<number> {
  const out = createWriteStream(SINK);
  const t0 = performance.now();
  let chunk = '';
  for (let i = 0; i < lines; i++) {
    chunk += JSON.stringify({ id: `e-${i}`, n: i }) + '\n';
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
  await closed(out);
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const compiled = await loadDataProduct();
  const sample = await timeDemo(compiled, 1000, false); // also the warm-up
  const roots = Math.ceil((TARGET_NODES / (sample.stats.nodes / 1000)) * 1.02); // the sample estimates a little low
  const figures: Figure[] = [];
  for (const canonical of [false, true]) {
    const run = await timeDemo(compiled, roots, canonical);
    const bare = await bareLoop(run.stats.events);
    const label = canonical ? 'canonical' : 'source-native';
    figures.push({
      figure: `${label}: ${run.stats.nodes.toLocaleString('en-US')} nodes, ${run.stats.events.toLocaleString('en-US')} events`,
      value: run.seconds,
      unit: 's',
      baseline: bare,
      baselineLabel: 's bare JSON lines',
      ratio: run.seconds / bare,
      goal: '< 60 s per 1M nodes',
      met: (run.seconds * 1_000_000) / run.stats.nodes < 60,
    });
  }
  report(`demo-generate (${roots} roots for ~${TARGET_NODES.toLocaleString('en-US')} nodes, sink ${SINK})`, figures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
