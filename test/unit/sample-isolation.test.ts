// Product code must work for any data product that MESH_CONTRACTS names, so none of it may import
// a sample product (every folder of contracts/) or quote one of its node types or its name.
// Comments may use a sample as an example; code may not. A sample's module path appears only
// where a documented default names it (listed below with the reason).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { telecom } from '../../contracts/telecom';
import { transit } from '../../contracts/transit';

const ROOT = path.join(__dirname, '../..');

/** The sample products, by module path: every folder of contracts/. */
const SAMPLES: Record<string, { name: string; types: ReadonlyArray<{ name: string }> }> = {
  'contracts/telecom': telecom,
  'contracts/transit': transit,
};

/** The folders that ship as the product, and the benches' generic demo generator (the other benches run a sample on purpose). */
const PRODUCT_CODE = ['core', 'actors', 'adapters', 'functions', 'host', 'connectors', 'cli', 'bench/demo-generate.ts'];

/** Files that may name a sample's module path, and why. */
const MAY_NAME_SAMPLE_PATH: Record<string, string> = {
  'core/config.ts': "the MESH_CONTRACTS setting's documented default",
  'cli/commands.ts': 'the --contracts option help, which names that default',
  'host/harness/mesh-host.ts': "the test harness's TELECOM_CONTRACTS, for the tests that run the telecom sample",
};

/** Files that still quote a sample's node types: known gaps, to be fixed and removed from here, never added to. */
const KNOWN_TYPE_QUOTES: Record<string, string> = {};

function sourceFiles(rel: string): string[] {
  const full = path.join(ROOT, rel);
  if (fs.statSync(full).isFile()) return [rel];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((e) => (e.isDirectory() ? !['node_modules', 'dist', '.data'].includes(e.name) : /\.(ts|cjs|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts')))
    .flatMap((e) => sourceFiles(path.posix.join(rel, e.name)));
}

/** A file's code without its comments (a `//` counts as one at a line's start or after a space, not in `http://`). */
function code(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|\s)\/\/.*$/gm, '$1');
}

const FILES = PRODUCT_CODE.flatMap(sourceFiles).map((rel) => ({ rel, text: code(rel) }));

/** Module specifiers of static, side-effect and dynamic imports, re-exports and require(). */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"`]([^'"`]+)['"`]/g;

/** The sample a specifier (relative to `rel`, or written with its path) points into, if any. */
function sampleImported(rel: string, spec: string): string | undefined {
  const target = spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)) : spec;
  return Object.keys(SAMPLES).find((sample) => target === sample || target.startsWith(`${sample}/`) || target.includes(`/${sample}`));
}

const quotedName = (names: string[]) => new RegExp(`['"\`](${names.join('|')})(/|:|['"\`])`);
const TYPE_OR_PRODUCT = quotedName(Object.values(SAMPLES).flatMap((p) => [p.name, ...p.types.map((t) => t.name)]));
const SAMPLE_PATH = new RegExp(Object.keys(SAMPLES).join('|'));

describe('sample isolation', () => {
  it('knows every sample product and reads every product folder', () => {
    const folders = fs
      .readdirSync(path.join(ROOT, 'contracts'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `contracts/${e.name}`);
    assert.deepEqual(folders.sort(), Object.keys(SAMPLES).sort(), 'a new sample belongs in SAMPLES');
    for (const dir of PRODUCT_CODE)
      assert.ok(
        FILES.some((f) => f.rel === dir || f.rel.startsWith(`${dir}/`)),
        `no source file found in ${dir}`,
      );
    for (const p of Object.values(SAMPLES)) assert.ok(p.types.length > 0 && TYPE_OR_PRODUCT.test(`'${p.types[0]!.name}'`), `the types of ${p.name}`);
  });

  it('no product file imports a sample product', () => {
    const imports = FILES.flatMap(({ rel, text }) => [...text.matchAll(IMPORT)].map((m) => ({ rel, spec: m[1]! })));
    assert.ok(imports.length > 500, `only ${imports.length} imports read`);
    const offenders = imports.filter(({ rel, spec }) => sampleImported(rel, spec)).map(({ rel, spec }) => `${rel} imports ${spec}`);
    assert.deepEqual(offenders, []);
  });

  it("no product file quotes a sample's node type or name", () => {
    const offenders = FILES.filter(({ rel, text }) => !KNOWN_TYPE_QUOTES[rel] && TYPE_OR_PRODUCT.test(text)).map(
      ({ rel, text }) => `${rel}: ${text.match(TYPE_OR_PRODUCT)![0]}`,
    );
    assert.deepEqual(offenders, []);
    const fixed = Object.keys(KNOWN_TYPE_QUOTES).filter((rel) => !TYPE_OR_PRODUCT.test(code(rel)));
    assert.deepEqual(fixed, [], 'fixed: remove from KNOWN_TYPE_QUOTES');
  });

  it("names a sample's module path only where a documented default does", () => {
    const offenders = FILES.filter(({ rel, text }) => !MAY_NAME_SAMPLE_PATH[rel] && SAMPLE_PATH.test(text)).map(({ rel }) => rel);
    assert.deepEqual(offenders, []);
    const stale = Object.keys(MAY_NAME_SAMPLE_PATH).filter((rel) => !SAMPLE_PATH.test(code(rel)));
    assert.deepEqual(stale, [], 'no longer names it: remove from MAY_NAME_SAMPLE_PATH');
  });
});
