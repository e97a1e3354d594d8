// cli/bin.cjs in a fresh checkout, right after `npm ci` (the checkout's sources, its node_modules):
// no build step to know about. The first run builds the bundle, an edited source is picked up by
// the next run, and an installed package (under node_modules) never rebuilds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBin } from '../../helpers/cli';

const ROOT = path.join(__dirname, '../../..');
const bundle = require('../../../cli/bundle.cjs') as {
  paths(root: string): { bundle: string; manifest: string };
  staleReason(root: string): string | undefined;
};

let clone: string;
let work: string;
before(() => {
  clone = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-clone-'));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-work-'));
  // What a clone holds, as far as the bin is concerned: the package's files, and no dist/.
  const { files } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  for (const entry of ['package.json', ...files.filter((f) => !f.startsWith('dist/'))])
    fs.cpSync(path.join(ROOT, entry), path.join(clone, entry), { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
});
after(() => {
  fs.rmSync(clone, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const env = () => ({ ...process.env, MESH_CONTRACTS: '', MESH_DATA_DIR: path.join(work, '.data') });

describe('cli/bin.cjs in a fresh checkout', () => {
  it('builds the bundle on first use and runs a command that loads the TypeScript data product', async () => {
    assert.ok(!fs.existsSync(bundle.paths(clone).bundle));
    const run = await runBin(path.join(clone, 'cli/bin.cjs'), ['contracts', 'build', '--out', 'out'], { cwd: work, env: env() });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(fs.existsSync(path.join(work, 'out', 'schema.graphql')));
    assert.ok(fs.existsSync(bundle.paths(clone).bundle));
    assert.equal(bundle.staleReason(clone), undefined);
  });

  it('rebuilds when a source it was built from changes', async () => {
    const file = path.join(clone, 'cli/commands.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("summary: 'build both apps and run them in the local host'", "summary: 'EDITED summary'"));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 2000)); // newer than the build, whatever the clock's resolution
    assert.equal(bundle.staleReason(clone), 'cli/commands.ts changed');
    const run = await runBin(path.join(clone, 'cli/bin.cjs'), ['--help'], { cwd: work, env: env() });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /start +EDITED summary/);
  });

  it("an installed package (under node_modules) runs the bundle it shipped, whatever the files' times", () => {
    const installed = path.join(work, 'node_modules', 'meshgraph');
    const { bundle: file, manifest } = bundle.paths(installed);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    fs.writeFileSync(manifest, JSON.stringify({ startedMs: 0, files: ['package.json'] }));
    fs.writeFileSync(path.join(installed, 'package.json'), '{}');
    assert.equal(bundle.staleReason(installed), undefined);
    const checkout = path.join(work, 'checkout');
    fs.cpSync(installed, checkout, { recursive: true });
    assert.equal(bundle.staleReason(checkout), 'package.json changed');
  });
});
