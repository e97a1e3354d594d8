// The built bundles, as deployed: each loads in the local host on its own and answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildApps, type BuiltApp } from '../../../cli/build';
import { startHost } from '../../../host/main';
import { compileDataProduct } from '../../../core/contracts';
import { telecom } from '../../../contracts/telecom';

describe('built bundles in the local host', () => {
  let out: string;
  let built: BuiltApp[];
  before(async () => {
    // Inside the project, as dist/ is: the bundles find the native modules they keep external.
    fs.mkdirSync(path.join(process.cwd(), '.data'), { recursive: true });
    out = fs.mkdtempSync(path.join(process.cwd(), '.data', 'dist-'));
    built = await buildApps(process.cwd(), out);
    process.env.AzureWebJobsStorage ??= 'UseDevelopmentStorage=true';
    process.env.MESH_DATA_DIR = path.join(out, 'data'); // never the project's .data, where a developer's host may run
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('writes a deployable folder per app: main.js, host.json, package.json pointing at main.js', () => {
    for (const app of built) {
      const pkg = JSON.parse(fs.readFileSync(path.join(app.dir, 'package.json'), 'utf8'));
      assert.equal(pkg.main, 'main.js');
      assert.ok(fs.existsSync(path.join(app.dir, 'host.json')));
      assert.doesNotMatch(fs.readFileSync(app.main, 'utf8'), /require\("\.\.?\//, 'no relative requires escape the bundle');
    }
  });

  for (const [name, route, expected] of [
    ['hot', 'health', 'hot'],
    ['cold', 'cold/health', 'cold'],
  ] as const) {
    it(`serves dist/${name} on its own`, async () => {
      const app = built.find((a) => a.name === name)!;
      const host = await startHost({ apps: [{ name, entry: app.main }], port: 0, store: 'memory', log: () => {} });
      try {
        assert.ok(host.apps[0]!.functions.some((f) => f.kind === 'http'));
        const res = await fetch(`${host.url}/api/${route}`);
        assert.equal(res.status, 200);
        assert.equal(((await res.json()) as { app: string }).app, expected);
      } finally {
        await host.stop();
      }
    });
  }

  it('records the data product each bundle holds, and the host refuses it when MESH_CONTRACTS names another', async () => {
    const { version } = compileDataProduct(telecom);
    for (const app of built) {
      const record = JSON.parse(fs.readFileSync(path.join(app.dir, 'contracts.json'), 'utf8'));
      assert.deepEqual(
        { name: record.name, version: record.version, module: record.module, file: record.file },
        { name: 'telecom', version, module: 'contracts/telecom', file: 'contracts/telecom/index.ts' },
      );
      assert.ok(record.inputs.includes('contracts/telecom/sources/crm.ts'));
    }
    const saved = process.env.MESH_CONTRACTS;
    process.env.MESH_CONTRACTS = 'test/fixtures/graph-product.ts';
    try {
      const hot = built.find((a) => a.name === 'hot')!;
      await assert.rejects(
        startHost({ apps: [{ name: 'hot', entry: path.relative(process.cwd(), hot.main) }], port: 0, store: 'memory', log: () => {} }).then(async (host) => {
          await host.stop();
          throw new Error('the host started with another data product than its bundle holds');
        }),
        new RegExp(
          `setting MESH_CONTRACTS: .*hot \\(app hot\\) holds data product "telecom" \\(version ${version}, built from contracts/telecom\\), but MESH_CONTRACTS=test/fixtures/graph-product.ts is data product "graph-test" \\(version [0-9a-f]{12}\\): rebuild \\(npm run build, or npm start without --no-build\\)`,
        ),
      );
    } finally {
      if (saved === undefined) delete process.env.MESH_CONTRACTS;
      else process.env.MESH_CONTRACTS = saved;
    }
  });

  it('refuses to start with a malformed setting, naming it', async () => {
    const saved = process.env.ELASTICSEARCH_URL;
    process.env.ELASTICSEARCH_URL = 'ftp://nope';
    try {
      await assert.rejects(
        startHost({ apps: [], port: 0, store: 'memory', log: () => {} }),
        /setting ELASTICSEARCH_URL: "ftp:\/\/nope" is not an http\(s\) URL/,
      );
    } finally {
      if (saved === undefined) delete process.env.ELASTICSEARCH_URL;
      else process.env.ELASTICSEARCH_URL = saved;
    }
  });
});
