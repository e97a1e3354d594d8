// The settings table of docs/settings.md is the list in core/config.ts, as a reader sees it: every
// setting the product reads has one row, no row names a setting it does not read, and each
// documented default is the one the code applies.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../core/config';

const DOC = path.join(__dirname, '..', '..', 'docs', 'settings.md');

/** The rows of the first table whose header is `| setting | default | meaning |`. */
function settingsRows(markdown: string): Array<{ name: string; default: string }> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^\|\s*setting\s*\|\s*default\s*\|\s*meaning\s*\|/.test(l));
  if (start < 0) return [];
  const rows: Array<{ name: string; default: string }> = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').map((c) => c.trim());
    rows.push({ name: cells[1]!.replace(/`/g, ''), default: cells[2]! });
  }
  return rows;
}

describe('docs/settings.md', () => {
  const rows = settingsRows(fs.readFileSync(DOC, 'utf8'));

  it('has one row per setting core/config.ts reads, and no other', () => {
    const names = rows.map((r) => r.name);
    assert.equal(new Set(names).size, names.length, 'a setting documented twice');
    assert.deepEqual([...names].sort(), SETTINGS.map((s) => s.name).sort());
  });

  it("documents each setting's default as the code applies it", () => {
    for (const spec of SETTINGS) {
      if (spec.default === undefined) continue;
      const row = rows.find((r) => r.name === spec.name);
      assert.ok(
        row?.default.startsWith(`\`${spec.default}\``),
        `${spec.name}: the code's default is ${JSON.stringify(spec.default)}, docs/settings.md says ${JSON.stringify(row?.default)}`,
      );
    }
  });

  it('reads a table (the check can fail)', () => {
    assert.deepEqual(settingsRows('| setting | default | meaning |\n|---|---|---|\n| `A` | `1` | x |\n\ntext'), [{ name: 'A', default: '`1`' }]);
    assert.deepEqual(settingsRows('no table'), []);
  });
});
