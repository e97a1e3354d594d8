import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContractValidationError } from '../../../../core/contracts/index';
import { contractsModuleSetting, loadDataProduct } from '../../../../adapters/contracts/load';
import { ConfigError } from '../../../../core/errors';

const dir = mkdtempSync(path.join(os.tmpdir(), 'meshgraph-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dsl = JSON.stringify(path.resolve('core/contracts'));

function writeModule(name: string, body: string): string {
  writeFileSync(path.join(dir, `${name}.ts`), `import { dataProduct, field, node } from ${dsl};\n${body}\n`);
  return name;
}

describe('loadDataProduct', () => {
  it('reads MESH_CONTRACTS, defaulting to the sample', () => {
    assert.equal(contractsModuleSetting({}), 'contracts/telecom');
    assert.equal(contractsModuleSetting({ MESH_CONTRACTS: ' ./mine ' }), './mine');
  });

  it('loads a default export relative to the given directory, without extension', async () => {
    writeModule(
      'good',
      `export default dataProduct({ name: 'tiny', types: [node({ name: 'Thing', owner: 'src', fields: { n: field.int() } })], sources: { src: { records: {} } } });`,
    );
    const compiled = await loadDataProduct('./good', dir);
    assert.equal(compiled.model.name, 'tiny');
    assert.match(compiled.sdl, /type Thing implements Node/);
  });

  it('loads a product that is the only named export', async () => {
    writeModule('named', `export const product = dataProduct({ name: 'named', types: [], sources: {} });`);
    assert.equal((await loadDataProduct('./named', dir)).model.name, 'named');
  });

  it('lists every validation problem of the loaded module', async () => {
    writeModule(
      'broken',
      `export default dataProduct({ name: 'b', types: [node({ name: 'Subscription', owner: 'ghost', fields: { x: field.text().pii('r').facet(), y: field.keyword().pii(' ') } })], sources: {} });`,
    );
    await assert.rejects(loadDataProduct('./broken', dir), (err: unknown) => {
      assert.ok(err instanceof ContractValidationError);
      assert.deepEqual(err.problems.map((p) => p.code).sort(), [
        'invalid-flag',
        'pii-facet',
        'reserved-name',
        'unknown-source',
        'unknown-source',
        'unknown-source',
      ]);
      assert.match(err.message, /^setting MESH_CONTRACTS: \.\/broken has 6 contract problem/);
      return true;
    });
  });

  it('names the setting when the module is missing or exports no product', async () => {
    await assert.rejects(loadDataProduct('./nowhere', dir), (err: unknown) => err instanceof ConfigError && /no module at \.\/nowhere/.test(err.message));
    writeModule('empty', 'export const nothing = 1;');
    await assert.rejects(loadDataProduct('./empty', dir), (err: unknown) => err instanceof ConfigError && /must export a data product/.test(err.message));
  });
});
