import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, SETTINGS } from '../../../core/config';
import { ConfigError } from '../../../core/errors';

const base = { AzureWebJobsStorage: 'UseDevelopmentStorage=true' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const cfg = loadConfig(base);
    assert.equal(cfg.contractsModule, 'contracts/telecom');
    assert.equal(cfg.dataDir, '.data');
    assert.equal(cfg.eventHub.name, 'meshgraph-events');
    assert.equal(cfg.host.port, 7071);
    assert.equal(cfg.host.store, 'sqlite');
    assert.equal(cfg.elasticsearch.url, undefined, 'empty ELASTICSEARCH_URL selects the embedded store');
  });

  it('names a missing storage setting', () => {
    assert.throws(
      () => loadConfig({}),
      (err: unknown) => err instanceof ConfigError && err.setting === 'AzureWebJobsStorage' && /required/.test(err.message),
    );
  });

  it('accepts an identity-based storage connection instead', () => {
    assert.equal(loadConfig({ AzureWebJobsStorage__accountName: 'meshst' }).storage.accountName, 'meshst');
  });

  it('names each malformed setting, all at once', () => {
    assert.throws(
      () => loadConfig({ ...base, ELASTICSEARCH_URL: 'not a url', PORT: '99999', MESH_STORE: 'disk' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        for (const name of ['ELASTICSEARCH_URL', 'PORT', 'MESH_STORE']) assert.match(err.message, new RegExp(`setting ${name}`));
        return true;
      },
    );
  });

  it('refuses a storage value that is no connection string, and an Event Hubs one without its endpoint', () => {
    assert.throws(() => loadConfig({ AzureWebJobsStorage: 'hello' }), /setting AzureWebJobsStorage/);
    assert.throws(() => loadConfig({ ...base, EventHubConnection: 'Key=abc' }), /setting EventHubConnection/);
  });

  it('normalizes URLs and treats blank values as unset', () => {
    const cfg = loadConfig({ ...base, ELASTICSEARCH_URL: 'https://es.example:9243/', COLD_API_BASE_URL: '  ' });
    assert.equal(cfg.elasticsearch.url, 'https://es.example:9243');
    assert.equal(cfg.coldApiBaseUrl, undefined);
    assert.equal(
      loadConfig({ ...base, HOT_API_BASE_URL: 'https://func-hot-x.azurewebsites.net/api/' }).hotApiBaseUrl,
      'https://func-hot-x.azurewebsites.net/api',
    );
    assert.throws(() => loadConfig({ ...base, HOT_API_BASE_URL: 'func-hot' }), /setting HOT_API_BASE_URL/);
  });

  it('lists every setting it reads in SETTINGS, each with a description', () => {
    const names = SETTINGS.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    for (const s of SETTINGS) assert.ok(s.description.length > 10, s.name);
  });
});
