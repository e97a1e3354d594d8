// One search index for every instance: in Azure both apps, on every instance, read and write one
// Elasticsearch cluster whose URL and API key the deployment must be given. The embedded SQLite
// index is a file on one instance, and Flex Consumption cannot hold an app to one instance, so
// no parameter leaves ELASTICSEARCH_URL empty (infra/main.bicep says why).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import {
  ROOT,
  bodyOf,
  decoratorsOf,
  declaration,
  declarations,
  hasDefault,
  isConditional,
  isSecure,
  moduleParams,
  names,
  objectValue,
  parseBicep,
  readBicep,
  type BicepFile,
} from './bicep';

type App = 'hot' | 'cold';

/** Where each app's shared settings come from: the file, then the module (in the next file up) that passes its parameters. */
const CHAIN: Record<App, Array<{ file: string; module?: string }>> = {
  hot: [{ file: 'infra/app/shared-settings.bicep' }, { file: 'infra/app/hot.bicep', module: 'shared' }, { file: 'infra/main.bicep', module: 'hot' }],
  cold: [{ file: 'infra/app/shared-settings.bicep' }, { file: 'infra/app/cold.bicep', module: 'shared' }, { file: 'infra/main.bicep', module: 'cold' }],
};

/**
 * An expression as main.bicep would write it (a string gives its content, without quotes): each
 * parameter of a module file is replaced by what the file above passes for it, inside
 * interpolations too.
 */
function resolve(files: BicepFile[], modules: Array<string | undefined>, n: Node, level = 0): string {
  const here = files[level];
  if (!here) throw new Error(`no file at level ${level}`);
  if (n.type === 'identifier' && level + 1 < files.length && names(here, 'parameter_declaration').includes(n.text)) {
    const above = files[level + 1]!;
    const passed = moduleParams(declaration(above, 'module_declaration', modules[level + 1]!)).get(n.text);
    if (!passed) throw new Error(`${above.file}: module ${modules[level + 1]} is not given ${n.text}`);
    return resolve(files, modules, passed, level + 1);
  }
  if (n.type === 'string') {
    return n.namedChildren
      .map((c) => (c?.type === 'interpolation' && c.namedChildren[0] ? `\${${resolve(files, modules, c.namedChildren[0], level)}}` : (c?.text ?? '')))
      .join('');
  }
  return n.text;
}

async function settingInMain(app: App, setting: string): Promise<{ value: Node; resolved: string }> {
  const files = await Promise.all(CHAIN[app].map((c) => readBicep(c.file)));
  const value = objectValue(files[0]!, 'settings').get(setting);
  assert.ok(value, `${app}: shared-settings.bicep sets no ${setting}`);
  return {
    value,
    resolved: resolve(
      files,
      CHAIN[app].map((c) => c.module),
      value,
    ),
  };
}

const parametersJson = () =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'infra/main.parameters.json'), 'utf8')) as { parameters: Record<string, { value: string }> }).parameters;

describe('one search index for every instance (Elasticsearch in Azure)', () => {
  it('main.bicep requires the cluster URL and API key: no default, never empty, the key @secure()', async () => {
    const main = await readBicep('infra/main.bicep');
    for (const name of ['elasticsearchUrl', 'elasticsearchApiKey']) {
      const param = declaration(main, 'parameter_declaration', name);
      assert.ok(!hasDefault(param), `${name} has a default, so a deployment can go without a cluster`);
      assert.ok(decoratorsOf(param).includes('@minLength(1)'), `${name} may be empty`);
    }
    assert.ok(isSecure(declaration(main, 'parameter_declaration', 'elasticsearchApiKey')));
  });

  it('main.parameters.json: azd asks for the URL and key when the azd environment has none', () => {
    // azd prompts for a parameter whose ${VAR} is unset or empty, unless the Bicep parameter has a
    // default or the expression gives one (${VAR=...}).
    const params = parametersJson();
    assert.equal(params.elasticsearchUrl?.value, '${ELASTICSEARCH_CLUSTER_URL}');
    assert.equal(params.elasticsearchApiKey?.value, '${ELASTICSEARCH_CLUSTER_API_KEY}');
  });

  for (const app of ['hot', 'cold'] as const) {
    it(`${app}: ELASTICSEARCH_URL is main.bicep's required elasticsearchUrl, unconditionally`, async () => {
      const { value, resolved } = await settingInMain(app, 'ELASTICSEARCH_URL');
      assert.equal(value.type, 'identifier', `a plain parameter, not ${value.text}`);
      assert.equal(resolved, 'elasticsearchUrl');
    });

    it(`${app}: ELASTICSEARCH_API_KEY is always a Key Vault reference to the secret main.bicep writes`, async () => {
      const { value, resolved } = await settingInMain(app, 'ELASTICSEARCH_API_KEY');
      assert.equal(value.type, 'string', `one Key Vault reference, not ${value.text}`);
      assert.equal(resolved, '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=${elasticsearchSecretName})');
    });
  }

  it('the vault always holds the API key, under the name the references use', async () => {
    const main = await readBicep('infra/main.bicep');
    const vaultModule = declaration(main, 'module_declaration', 'vault');
    assert.ok(!isConditional(vaultModule));
    const passed = moduleParams(vaultModule);
    assert.equal(passed.get('secretName')?.text, 'elasticsearchSecretName');
    assert.equal(passed.get('secretValue')?.text, 'elasticsearchApiKey');

    const vault = await readBicep('infra/core/security/vault.bicep');
    const secret = declaration(vault, 'resource_declaration', 'secret');
    assert.ok(!isConditional(secret), 'the secret is written on every deployment');
    assert.equal(bodyOf(secret).get('name')?.text, 'secretName');
    assert.match(bodyOf(secret).get('properties')?.text ?? '', /^\{\s*value:\s*secretValue\s*\}$/);
    assert.ok(decoratorsOf(declaration(vault, 'parameter_declaration', 'secretValue')).includes('@minLength(1)'));
  });

  it('the checks see an optional cluster and a conditional key', async () => {
    const f = await parseBicep(
      "@secure()\nparam key string = ''\nresource s 'X/y@1' = if (!empty(key)) {\n  name: 'n'\n}\nvar settings = {\n  K: empty(key) ? '' : '@Microsoft.KeyVault(SecretUri=x)'\n}\n",
    );
    assert.ok(hasDefault(declaration(f, 'parameter_declaration', 'key')));
    assert.deepEqual(decoratorsOf(declaration(f, 'parameter_declaration', 'key')), ['@secure()']);
    assert.ok(isConditional(declaration(f, 'resource_declaration', 's')));
    assert.equal(objectValue(f, 'settings').get('K')?.type, 'ternary_expression');
    assert.equal(declarations(f, 'resource_declaration').length, 1);
  });
});
