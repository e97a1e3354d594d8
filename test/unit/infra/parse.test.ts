import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bicepFiles, parseBicep, parseErrors, readBicep } from './bicep';

describe('Bicep files parse (tree-sitter Bicep grammar)', () => {
  it('finds the Bicep files', () => {
    const files = bicepFiles();
    for (const f of ['infra/main.bicep', 'infra/app/hot.bicep', 'infra/app/cold.bicep', 'infra/app/rbac.bicep']) assert.ok(files.includes(f), f);
  });

  for (const file of bicepFiles()) {
    it(`${file} has no error nodes`, async () => {
      assert.deepEqual(parseErrors((await readBicep(file)).root), []);
    });
  }

  it('reports where a broken file goes wrong', async () => {
    const broken = await parseBicep("param name string\nresource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: name\n  location: \n");
    const errors = parseErrors(broken.root);
    assert.ok(errors.length > 0, 'a resource with a missing value and no closing brace must not pass');
    assert.match(errors[0] ?? '', /^\d+:\d+ /);
    assert.deepEqual(parseErrors((await parseBicep('param name string\noutput NAME string = name\n')).root), []);
  });
});
