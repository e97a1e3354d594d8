// A built app records the data product it holds; the local host refuses to run it when
// MESH_CONTRACTS names another product or version, naming both, and loads the product only
// when the files the build came from changed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadDataProduct } from '../../../adapters/contracts/load';
import { checkBundleContracts, sourcesHash, writeBundleContracts, type CurrentProduct } from '../../../host/bundle-contracts';

const ROOT = path.join(__dirname, '../../..');
fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
const dir = fs.mkdtempSync(path.join(ROOT, '.data', 'bundle-contracts-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join('/');
const core = path.relative(dir, path.join(ROOT, 'core/contracts')).split(path.sep).join('/');

const productFile = path.join(dir, 'boxes.ts');
const productText = (sizeKind: string, comment = '') => `import { dataProduct, field, node } from '${core}';
${comment}
export default dataProduct({ name: 'boxes', types: [node({ name: 'Box', owner: 'stock', fields: { size: field.${sizeKind}() } })], sources: { stock: { records: {} } } });
`;
const app = path.join(dir, 'dist', 'hot');
const entry = path.join(app, 'main.js');

let copies = 0;
/** Loads a module as a fresh process would (this one's module cache holds earlier contents). */
async function loadFresh(module: string): Promise<{ name: string; version: string }> {
  const copy = path.join(dir, `copy-${++copies}.ts`);
  fs.copyFileSync(path.resolve(ROOT, module), copy);
  const p = await loadDataProduct(rel(copy), ROOT);
  return { name: p.model.name, version: p.version };
}

/** MESH_CONTRACTS as the host sees it, counting how often the product had to be loaded. */
function current(module: string): CurrentProduct & { loads: number } {
  const c = {
    module,
    file: path.resolve(ROOT, module),
    loads: 0,
    load: async () => {
      c.loads++;
      return loadFresh(module);
    },
  };
  return c;
}

describe('the data product a built app holds', () => {
  it('built from the module MESH_CONTRACTS names, unchanged: passes without loading it', async () => {
    fs.writeFileSync(productFile, productText('int'));
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(entry, '');
    const { name, version } = await loadFresh(rel(productFile));
    const inputs = [rel(productFile)];
    writeBundleContracts(app, { name, version, module: rel(productFile), file: rel(productFile), inputs, sources: sourcesHash(ROOT, inputs) });
    const now = current(rel(productFile));
    assert.equal(await checkBundleContracts('hot', entry, ROOT, now), 'same-sources');
    assert.equal(now.loads, 0);
  });

  it('an edit that leaves the model as it was (a comment) passes after one load', async () => {
    fs.writeFileSync(productFile, productText('int', '// sizes in cm'));
    const now = current(rel(productFile));
    assert.equal(await checkBundleContracts('hot', entry, ROOT, now), 'same-model');
    assert.equal(now.loads, 1);
  });

  it('a changed model is refused, naming both versions and how to rebuild', async () => {
    const built = JSON.parse(fs.readFileSync(path.join(app, 'contracts.json'), 'utf8'));
    fs.writeFileSync(productFile, productText('float'));
    const { version } = await loadFresh(rel(productFile));
    assert.notEqual(version, built.version);
    await assert.rejects(
      checkBundleContracts('hot', entry, ROOT, current(rel(productFile))),
      (e: Error) =>
        e.message ===
        `setting MESH_CONTRACTS: ${rel(app)} (app hot) holds data product "boxes" (version ${built.version}, built from ${rel(productFile)}), but MESH_CONTRACTS=${rel(productFile)} is version ${version} of "boxes": rebuild (npm run build, or npm start without --no-build)`,
    );
  });

  it('another data product is refused, naming both', async () => {
    const graph: CurrentProduct = {
      module: 'test/fixtures/graph-product.ts',
      file: path.join(ROOT, 'test/fixtures/graph-product.ts'),
      load: async () => loadDataProduct('test/fixtures/graph-product.ts', ROOT).then((p) => ({ name: p.model.name, version: p.version })),
    };
    await assert.rejects(
      checkBundleContracts('hot', entry, ROOT, graph),
      /holds data product "boxes" \(version [0-9a-f]{12}, built from .*boxes\.ts\), but MESH_CONTRACTS=test\/fixtures\/graph-product\.ts is data product "graph-test" \(version [0-9a-f]{12}\): rebuild/,
    );
  });

  it('a build without the record is refused; an app run from source has nothing to compare', async () => {
    fs.rmSync(path.join(app, 'contracts.json'));
    await assert.rejects(
      checkBundleContracts('hot', entry, ROOT, current(rel(productFile))),
      /has no contracts.json saying which data product it holds .*: rebuild/,
    );
    assert.equal(await checkBundleContracts('hot', 'functions/index.ts', ROOT, current(rel(productFile))), 'source');
  });
});
