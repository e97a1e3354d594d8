import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileDataProduct } from '../../../core/contracts';
import type { CloudEvent } from '../../../core/contracts';
import { createDemoGenerator, DEFAULT_MIX } from '../../../core/demo/generate';
import { telecom } from '../../../contracts/telecom';
import { telecomDemo } from '../../../contracts/telecom/demo';
import { runCli } from '../../../cli/cli';

const compiled = compileDataProduct(telecom);
const dir = mkdtempSync(path.join(os.tmpdir(), 'meshgraph-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function generate(roots: number, canonical: boolean) {
  const generator = createDemoGenerator(compiled, telecomDemo, { roots, seed: 42, canonical });
  const events: CloudEvent[] = [];
  for (const batch of generator.batches()) events.push(...batch);
  return { events, stats: generator.stats };
}

describe('telecom demo data', () => {
  it('produces only records that validate and map to valid canonical events', () => {
    const { events } = generate(300, false);
    const reasons = events.flatMap((e) => {
      const result = compiled.mapEvent(e);
      return result.ok ? [] : [`${e.type}: ${result.reasons.join('; ')}`];
    });
    assert.deepEqual(reasons.slice(0, 5), []);
    assert.deepEqual(new Set(events.map((e) => e.type)), new Set(Object.values(compiled.model.sources).flatMap((s) => Object.keys(s.records))));
  });

  it('produces canonical events that all validate, for every node type', () => {
    const { events } = generate(100, true);
    const invalid = events.filter((e) => !compiled.validators.validateEvent(e).ok);
    assert.deepEqual(invalid.slice(0, 3), []);
    const types = new Set(events.filter((e) => e.type === 'meshgraph.node.upsert').map((e) => e.subject?.split('/')[0]));
    assert.deepEqual([...types].sort(), Object.keys(compiled.model.types).sort());
  });

  it('mixes updates, reordering, duplicates and deletes near the set proportions', () => {
    const { stats } = generate(2000, false);
    const originals = stats.records - stats.updates - stats.deletes;
    const near = (actual: number, expected: number) => Math.abs(actual - expected) / expected < 0.15;
    assert.ok(near(stats.updates, originals * DEFAULT_MIX.updates * 0.8), `updates ${stats.updates}`); // only 4 of the record types change (devices, plans and stores do not): about 80% of the originals
    assert.ok(near(stats.outOfOrder, stats.updates * DEFAULT_MIX.outOfOrder), `out of order ${stats.outOfOrder}`);
    assert.ok(near(stats.duplicates, stats.records * DEFAULT_MIX.duplicates), `duplicates ${stats.duplicates}`);
    assert.ok(stats.deletes > 0 && stats.nodes > 2000 * 7, JSON.stringify(stats));
  });

  it('writes the same NDJSON for the same seed through the command', async () => {
    const files = ['a', 'b'].map((n) => path.join(dir, `${n}.ndjson`));
    for (const file of files) assert.equal(await runCli(['demo', 'generate', '--customers', '50', '--seed', '9', '--canonical', '--out', file]), 0);
    const [a, b] = files.map((f) => readFileSync(f, 'utf8'));
    assert.equal(a, b);
    assert.ok(
      a!
        .split('\n')
        .filter(Boolean)
        .every((line) => JSON.parse(line).specversion === '1.0'),
    );
    assert.equal(await runCli(['demo', 'generate', '--customers', 'many']), 2);
  });
});
