// The README's figures table is regenerated from a bench run: rendered rows, and only the block
// between the markers replaced.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BEGIN, END, figuresTable, mergedTable, writeReadme } from '../../../bench/readme';

const rows = [
  {
    bench: 'ingest',
    figure: 'events/s | memory',
    value: 1225.4,
    unit: 'ev/s',
    baseline: 9739,
    baselineLabel: 'ev/s bare',
    ratio: 0.1258,
    goal: '>= 0.25',
    met: false,
  },
  { bench: 'es-bulk', figure: 'bulk requests per 1,000 docs', value: 1.5, unit: '', goal: '<= 2', met: true },
  { bench: 'ingest', figure: 'Azurite', value: Number.NaN, unit: 'ev/s' },
];

describe('bench README table', () => {
  it('renders value, baseline, ratio, goal with met or not, and escapes pipes', () => {
    const table = figuresTable(rows, '2026-11-23');
    const lines = table.split('\n');
    assert.equal(lines[4], '| events/s \\| memory | 1,225 ev/s | 9,739 ev/s bare | 0.13 | >= 0.25 (**not met**) | ingest |');
    assert.equal(lines[5], '| bulk requests per 1,000 docs | 1.50 |  |  | <= 2 (met) | es-bulk |');
    assert.equal(lines[6], '| Azurite | n/a |  |  |  | ingest |');
  });

  it('replaces only the block between the markers, and adds it once when missing', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readme-')), 'README.md');
    fs.writeFileSync(file, '# x\n\n## Figures\n\nnotes\n\n## Layout\n\nkeep\n');
    writeReadme(file, 'first');
    writeReadme(file, 'second');
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text.split(BEGIN).length, 2, 'one block');
    assert.match(text, new RegExp(`${BEGIN}\\nsecond\\n${END}`));
    assert.match(text, /notes\n\n### Latest full run/);
    assert.match(text, /## Layout\n\nkeep\n$/);
  });

  it('a run of some benchmarks replaces their rows where they were and keeps every other row', () => {
    const current = `\n${figuresTable(rows, '2026-11-01')}\n`;
    const fresh = [
      { bench: 'ingest (10k nodes)', figure: 'events/s, new', value: 2000, unit: 'ev/s' },
      { bench: 'wait-idle', figure: 'p50', value: 7, unit: 'ms' },
    ];
    const lines = mergedTable(current, fresh, '2026-12-05').split('\n');
    assert.match(lines[0]!, /on 2026-12-05\./);
    assert.deepEqual(lines.slice(4), [
      '| events/s, new | 2,000 ev/s |  |  |  | ingest (10k nodes) |',
      '| bulk requests per 1,000 docs | 1.50 |  |  | <= 2 (met) | es-bulk |',
      '| p50 | 7.00 ms |  |  |  | wait-idle |',
    ]);
  });
});
