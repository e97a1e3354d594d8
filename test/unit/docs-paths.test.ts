// Every file of this repository the README or docs/ names (`core/graph/merge.ts`, `infra/main.bicep`)
// exists: code moves, and a newcomer follows the docs to the file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const TOP = new Set(fs.readdirSync(ROOT).filter((f) => !f.startsWith('.')));
/** A path in backticks that starts at a top folder of the repository. */
const NAMED = /`((?:[a-z][\w.-]*\/)+[\w.-]+\.(?:ts|cjs|json|bicep|md|sh|yaml|csv))`/g;

describe('paths the docs name', () => {
  const named = DOCS.flatMap((doc) => [...fs.readFileSync(path.join(ROOT, doc), 'utf8').matchAll(NAMED)].map((m) => ({ doc, file: m[1]! }))).filter(
    ({ file }) => TOP.has(file.split('/')[0]!),
  );

  it('finds the paths it checks', () => {
    assert.ok(named.length > 20, `only ${named.length} paths found`);
    assert.ok(named.some(({ file }) => file === 'core/contracts/index-spec.ts'));
  });

  it('every path named exists', () => {
    assert.deepEqual(
      named.filter(({ file }) => !fs.existsSync(path.join(ROOT, file))).map(({ doc, file }) => `${doc}: ${file}`),
      [],
    );
  });
});
