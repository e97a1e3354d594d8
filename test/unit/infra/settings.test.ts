// The settings contract: core/config.ts SETTINGS is the one list; local.settings.json and each
// app's Bicep app settings must agree with it, except where a list below says why not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../../core/config';
import { ROOT, bicepFiles, literal, objectValue, readBicep } from './bicep';

type App = 'hot' | 'cold';

/** Where each app's settings are written: [file, variable or output holding an object]. */
const SOURCES: Record<App, Array<[string, string]>> = {
  hot: [
    ['infra/app/shared-settings.bicep', 'settings'],
    ['infra/app/hot.bicep', 'hotSettings'],
  ],
  cold: [
    ['infra/app/shared-settings.bicep', 'settings'],
    ['infra/app/cold.bicep', 'coldSettings'],
  ],
};

/** SETTINGS entries Azure does without: the identity-based alternative next to each is set instead. */
const REPLACED_BY_IDENTITY: Record<string, string> = {
  AzureWebJobsStorage: 'AzureWebJobsStorage__accountName',
  EventHubConnection: 'EventHubConnection__fullyQualifiedNamespace',
};

/** SETTINGS entries that only Azure needs, so local.settings.json leaves them out. */
const AZURE_ONLY = ['AzureWebJobsStorage__accountName', 'EventHubConnection__fullyQualifiedNamespace'];

/** Settings the Bicep files set that the app code does not read (SETTINGS does not list them). */
const PLATFORM: Record<string, string> = {
  AzureWebJobsStorage__credential: 'the Functions host: use a managed identity for AzureWebJobsStorage',
  AzureWebJobsStorage__clientId: 'the Functions host: which user-assigned identity',
  EventHubConnection__credential: 'the Event Hubs extension: use a managed identity',
  EventHubConnection__clientId: 'the Event Hubs extension: which user-assigned identity',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'the Functions host: where telemetry goes',
  AZURE_CLIENT_ID: 'DefaultAzureCredential in app code: which user-assigned identity',
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'the durable extension, with durableBackend=DurableTaskScheduler',
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'overrides host.json: the scheduler as storage provider',
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'overrides host.json: the setting naming the scheduler',
};

/** Bicep values that differ from SETTINGS defaults on purpose. */
const AZURE_VALUES: Record<string, string> = {
  MESH_DATA_DIR: 'the package folder is read-only on Flex Consumption; /tmp is writable',
};

/** Flex Consumption refuses these (the runtime and its version are in functionAppConfig). */
const FLEX_REFUSES = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
];

async function appSettings(app: App) {
  const all = new Map<string, import('web-tree-sitter').Node>();
  for (const [file, decl] of SOURCES[app]) for (const [k, v] of objectValue(await readBicep(file), decl)) all.set(k, v);
  return all;
}

const readsIt = (app: App) => SETTINGS.filter((s) => s.apps.includes(app));

describe('settings contract (core/config.ts SETTINGS)', () => {
  for (const app of ['hot', 'cold'] as const) {
    it(`${app}: every setting it reads is in its Bicep app settings`, async () => {
      const keys = await appSettings(app);
      const missing = readsIt(app).filter((s) => !keys.has(s.name) && !(s.name in REPLACED_BY_IDENTITY));
      assert.deepEqual(
        missing.map((s) => s.name),
        [],
      );
      for (const [name, alternative] of Object.entries(REPLACED_BY_IDENTITY)) {
        if (!readsIt(app).some((s) => s.name === name)) continue;
        assert.ok(!keys.has(name), `${app}: ${name} is not set in Azure (identities only)`);
        assert.ok(keys.has(alternative), `${app}: ${alternative} replaces ${name}`);
      }
    });

    it(`${app}: every Bicep app setting is one SETTINGS gives it, or a listed platform setting`, async () => {
      const unknown = [...(await appSettings(app)).keys()].filter((k) => !readsIt(app).some((s) => s.name === k) && !(k in PLATFORM));
      assert.deepEqual(unknown, []);
    });

    it(`${app}: literal values are SETTINGS defaults unless listed`, async () => {
      for (const [name, value] of await appSettings(app)) {
        const spec = SETTINGS.find((s) => s.name === name);
        const text = literal(value);
        if (spec?.default === undefined || text === undefined || name in AZURE_VALUES) continue;
        assert.equal(text, spec.default, name);
      }
    });

    it(`${app}: no setting Flex Consumption refuses`, async () => {
      const keys = await appSettings(app);
      assert.deepEqual(
        FLEX_REFUSES.filter((k) => keys.has(k)),
        [],
      );
    });
  }

  it('each app passes its own settings and the shared ones to the function app', () => {
    const hot = fs.readFileSync(path.join(ROOT, 'infra/app/hot.bicep'), 'utf8');
    assert.match(hot, /appSettings: union\(shared\.outputs\.settings, hotSettings\)/);
    assert.match(fs.readFileSync(path.join(ROOT, 'infra/app/cold.bicep'), 'utf8'), /appSettings: union\(shared\.outputs\.settings, coldSettings\)/);
  });

  it('local-host-only settings appear in no Bicep file', () => {
    const hostOnly = SETTINGS.filter((s) => s.apps.every((a) => a === 'host')).map((s) => s.name);
    assert.ok(hostOnly.length > 0);
    for (const file of bicepFiles()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const name of hostOnly) assert.doesNotMatch(text, new RegExp(`\\b${name}\\b`), `${file} names ${name}`);
    }
  });

  it('local.settings.json has every setting except the Azure-only ones', () => {
    const values = (JSON.parse(fs.readFileSync(path.join(ROOT, 'local.settings.json'), 'utf8')) as { Values: Record<string, string> }).Values;
    const missing = SETTINGS.filter((s) => !(s.name in values) && !AZURE_ONLY.includes(s.name));
    assert.deepEqual(
      missing.map((s) => s.name),
      [],
    );
  });

  it('every listed exception is still needed', async () => {
    const keys = new Set([...(await appSettings('hot')).keys(), ...(await appSettings('cold')).keys()]);
    for (const name of [...Object.keys(PLATFORM), ...Object.keys(AZURE_VALUES)]) assert.ok(keys.has(name), `${name} is listed but no app sets it`);
    for (const name of [...Object.keys(REPLACED_BY_IDENTITY), ...AZURE_ONLY])
      assert.ok(
        SETTINGS.some((s) => s.name === name),
        `${name} is no longer in SETTINGS`,
      );
  });
});
