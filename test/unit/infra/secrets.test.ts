// No secret value in any committed deployment file: identities everywhere, and the one secret
// (the Elasticsearch API key) only as a Key Vault reference.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../../core/config';
import { ROOT, bicepFiles, declarations, isSecure, names, objectValue, readBicep, references } from './bicep';

/** Azurite's documented shorthand: the only credential-like value a committed file may hold. */
const AZURITE = 'UseDevelopmentStorage=true';

const SECRET_SHAPES: Array<[string, RegExp]> = [
  ['storage account key', /AccountKey=/i],
  ['shared access key', /SharedAccessKey(Name)?=/i],
  ['SAS token', /SharedAccessSignature=|[?&]sig=[A-Za-z0-9%+/]{16,}/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['Elastic API key header', /ApiKey [A-Za-z0-9+/=_-]{16,}/],
  ['Key Vault-free Elasticsearch key', /ELASTICSEARCH_API_KEY['"]?\s*[:=]\s*['"](?!@Microsoft\.KeyVault\()[^'"\s]/],
];

export function secretFindings(text: string): string[] {
  return SECRET_SHAPES.filter(([, re]) => re.test(text)).map(([what]) => what);
}

const committed = () => [...bicepFiles(), 'infra/main.parameters.json', 'infra/abbreviations.json', 'azure.yaml', 'local.settings.json', 'docs/deploy.md'];

describe('no secrets in deployment files', () => {
  it('recognises the shapes of secrets', () => {
    assert.deepEqual(secretFindings('DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc=='), ['storage account key']);
    assert.deepEqual(secretFindings('Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc'), ['shared access key']);
    assert.deepEqual(secretFindings('"ELASTICSEARCH_API_KEY": "VnVhQ2ZHY0JDZGJrU"'), ['Key Vault-free Elasticsearch key']);
    assert.deepEqual(secretFindings("ELASTICSEARCH_API_KEY: '@Microsoft.KeyVault(VaultName=kv;SecretName=k)'"), []);
    assert.deepEqual(secretFindings(AZURITE), []);
  });

  for (const file of committed()) {
    it(`${file} holds no secret`, () => {
      assert.deepEqual(secretFindings(fs.readFileSync(path.join(ROOT, file), 'utf8')), []);
    });
  }

  it('local.settings.json: secret settings are empty or the Azurite shorthand', () => {
    const values = (JSON.parse(fs.readFileSync(path.join(ROOT, 'local.settings.json'), 'utf8')) as { Values: Record<string, string> }).Values;
    for (const s of SETTINGS.filter((x) => x.secret)) {
      const v = values[s.name] ?? '';
      assert.ok(v === '' || v === AZURITE, `${s.name} has a value in a committed file`);
    }
  });

  it('ELASTICSEARCH_API_KEY is set only as a Key Vault reference', async () => {
    const value = objectValue(await readBicep('infra/app/shared-settings.bicep'), 'common').get('ELASTICSEARCH_API_KEY');
    assert.ok(value, 'the apps get ELASTICSEARCH_API_KEY');
    const strings = value.descendantsOfType('string').map((s) => s?.text ?? '');
    assert.ok(
      strings.some((s) => s.startsWith("'@Microsoft.KeyVault(")),
      value.text,
    );
    for (const s of strings) assert.ok(s.startsWith("'@Microsoft.KeyVault("), `not a Key Vault reference: ${s}`);
  });

  for (const file of bicepFiles()) {
    it(`${file}: secret-looking parameters are @secure() and reach no output`, async () => {
      const f = await readBicep(file);
      const secrets = declarations(f, 'parameter_declaration').filter(
        (p) => /key|secret|password|token/i.test(p.namedChildren[0]?.text ?? '') && !/name|^has/i.test(p.namedChildren[0]?.text ?? ''),
      );
      for (const p of secrets) assert.ok(isSecure(p), `${p.namedChildren[0]?.text} must be @secure()`);
      for (const p of secrets) {
        const inOutputs = references(f, p.namedChildren[0]?.text ?? '').filter((r) =>
          declarations(f, 'output_declaration').some((o) => o.startIndex <= r.startIndex && r.endIndex <= o.endIndex),
        );
        assert.deepEqual(
          inOutputs.map((r) => r.text),
          [],
          `${file}: a secret in an output`,
        );
      }
      assert.ok(
        names(f, 'output_declaration').every((o) => !/secret|password|api_?key|access_?key|connection_?string/i.test(o)),
        'no output is named like a secret',
      );
    });
  }
});
