import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, bicepFiles, declarations, hasDefault, moduleRefs, names, outputRefsOf, parseBicep, readBicep, references } from './bicep';

// Pinned Azure Verified Modules: br/public:avm/res|ptn/<provider>/<type>:<semver>.
const AVM = /^br\/public:avm\/(res|ptn)\/[a-z0-9-]+\/[a-z0-9-]+:\d+\.\d+\.\d+$/;
// Set by azd itself, not by main.bicep outputs.
const AZD_VARIABLES = ['AZURE_ENV_NAME', 'AZURE_LOCATION', 'AZURE_SUBSCRIPTION_ID', 'AZURE_PRINCIPAL_ID'];

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const localTarget = (from: string, ref: string) => path.posix.normalize(path.posix.join(path.posix.dirname(from), ref));

describe('Bicep structure', () => {
  for (const file of bicepFiles()) {
    it(`${file}: every parameter is used`, async () => {
      const f = await readBicep(file);
      const unused = names(f, 'parameter_declaration').filter((p) => references(f, p).length === 0);
      assert.deepEqual(unused, []);
    });

    it(`${file}: every module exists, gets only parameters it declares and all it requires`, async () => {
      const f = await readBicep(file);
      for (const ref of moduleRefs(f)) {
        if (ref.path.startsWith('br/')) {
          assert.match(ref.path, AVM, `${ref.name}: registry modules are pinned Azure Verified Modules`);
          continue;
        }
        const target = localTarget(file, ref.path);
        assert.ok(fs.existsSync(path.join(ROOT, target)), `${ref.name}: ${target} does not exist`);
        const t = await readBicep(target);
        const declared = names(t, 'parameter_declaration');
        assert.deepEqual(
          ref.params.filter((p) => !declared.includes(p)),
          [],
          `${ref.name}: parameters ${target} does not declare`,
        );
        const required = declarations(t, 'parameter_declaration')
          .filter((p) => !hasDefault(p))
          .map((p) => p.namedChildren[0]?.text ?? '');
        assert.deepEqual(
          required.filter((p) => !ref.params.includes(p)),
          [],
          `${ref.name}: required parameters of ${target} not given`,
        );
        const outputs = names(t, 'output_declaration');
        assert.deepEqual(
          outputRefsOf(f, ref.name).filter((o) => !outputs.includes(o)),
          [],
          `${ref.name}: outputs ${target} does not declare`,
        );
      }
    });
  }

  it('the checks see an unused parameter, module parameters and output references', async () => {
    const f = await parseBicep(
      "param used string\nparam unused string\nmodule m './x.bicep' = {\n  name: 'm'\n  params: { unused: used }\n}\noutput X string = m.outputs.y\n",
    );
    assert.deepEqual(
      names(f, 'parameter_declaration').filter((p) => references(f, p).length === 0),
      ['unused'],
      'an object key of the same name is no use',
    );
    assert.deepEqual(moduleRefs(f), [{ name: 'm', path: './x.bicep', params: ['unused'] }]);
    assert.deepEqual(outputRefsOf(f, 'm'), ['y']);
  });

  it('main.bicep: outputs are UPPER_SNAKE for azd env', async () => {
    const outputs = names(await readBicep('infra/main.bicep'), 'output_declaration');
    assert.ok(outputs.length > 0);
    for (const o of outputs) assert.match(o, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, o);
  });

  it('main.parameters.json: only parameters main.bicep declares, each taken from the azd environment', async () => {
    const declared = names(await readBicep('infra/main.bicep'), 'parameter_declaration');
    const { parameters } = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    for (const [name, { value }] of Object.entries(parameters)) {
      assert.ok(declared.includes(name), `${name} is not a parameter of main.bicep`);
      assert.match(String(value), /^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$/, `${name}: a value comes from the azd environment, never written here`);
    }
    for (const name of ['environmentName', 'location']) assert.ok(name in parameters, name);
  });

  it('every output azure.yaml, docs/deploy.md or README.md names exists', async () => {
    const outputs = new Set([...names(await readBicep('infra/main.bicep'), 'output_declaration'), ...AZD_VARIABLES]);
    const named = [
      ...[...read('azure.yaml').matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]),
      ...['docs/deploy.md', 'README.md'].flatMap((f) => [...read(f).matchAll(/azd env get-value ([A-Z][A-Z0-9_]+)/g)].map((m) => m[1])),
      ...[...read('azure.yaml').matchAll(/\(([A-Z][A-Z0-9_]+(?:, [A-Z][A-Z0-9_]+)*)/g)].flatMap((m) => (m[1] ?? '').split(', ')),
    ];
    assert.ok(named.length > 0, 'the deploy docs name at least one output');
    assert.deepEqual(
      named.filter((n) => n !== undefined && !outputs.has(n)),
      [],
    );
  });

  it('every variable docs/deploy.md or README.md tells you to `azd env set` is one main.parameters.json reads', () => {
    const { parameters } = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const variables = Object.values(parameters).flatMap(({ value }) => [...String(value).matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    const told = ['docs/deploy.md', 'README.md'].flatMap((f) => [...read(f).matchAll(/azd env set(?:-secret)? ([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    assert.ok(told.length > 0, 'the deploy docs set at least one variable');
    assert.deepEqual(
      told.filter((n) => !variables.includes(n)),
      [],
    );
  });

  it('azure.yaml: services hot and cold deploy the built apps as functions', () => {
    const yaml = read('azure.yaml');
    for (const app of ['hot', 'cold']) {
      assert.match(yaml, new RegExp(`\\n  ${app}:\\n    project: \\./dist/${app}\\n    language: js\\n    host: function\\n`), app);
      assert.match(read(`infra/app/${app}.bicep`), new RegExp(`serviceName: '${app}'`), `${app}: azd finds the app by its azd-service-name tag`);
    }
    assert.match(yaml, /prepackage:[\s\S]*run: npm run build/, 'dist/ is built before packaging');
  });
});
