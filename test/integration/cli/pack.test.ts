// The command line as users get it: `npm pack`, the tarball installed into an empty folder, and
// every command run there through node_modules/.bin/meshgraph, with no TypeScript loader and no
// checkout around (about 30 s, most of it the install).
//
// The install is a real `npm install` of the tarball, resolved from the npm cache that `npm ci`
// filled (--prefer-offline), with one shortcut: --ignore-scripts, and the better-sqlite3 binary the
// checkout compiled (same version, same Node) copied in, instead of compiling it again (~80 s).
// meshgraph itself has no install script, so the only scripts skipped are its dependencies'
// (better-sqlite3's compile, esbuild's optional check of its binary).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { COMMANDS, isGroup } from '../../../cli/commands';
import { runBin, type CliRun } from '../../helpers/cli';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { freePort } from '../../../host/harness/processes';

const ROOT = path.join(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };

let dir: string;
let app: string;
let bin: string;
let azurite: TestAzurite;

/** npm's environment without the npm_* variables of a surrounding `npm run` (they are npm config). */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** The user's environment: nothing of the checkout's settings, storage in a private Azurite. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = npmEnv();
  for (const name of ['MESH_URL', 'PORT', 'MESH_CONTRACTS', 'MESH_STORE', 'NODE_OPTIONS']) delete env[name];
  return { ...env, AzureWebJobsStorage: azurite.connectionString, EventHubConnection: '', MESH_DATA_DIR: path.join(app, '.data'), ...extra };
}

function meshgraph(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  return runBin(bin, args, { cwd: app, env: userEnv(extra), timeoutMs: 120_000 });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-pack-'));
  app = path.join(dir, 'app');
  fs.mkdirSync(app);
  const packed = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, env: npmEnv(), encoding: 'utf8' }).trim().split('\n').pop()!;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'meshgraph-pack-test', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', path.join(dir, packed)], {
    cwd: app,
    env: npmEnv(),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const sqlite = (root: string) => path.join(root, 'node_modules', 'better-sqlite3');
  const version = (root: string) => (JSON.parse(fs.readFileSync(path.join(sqlite(root), 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(version(app), version(ROOT), 'the installed better-sqlite3 is the one the checkout compiled');
  fs.cpSync(path.join(sqlite(ROOT), 'build', 'Release', 'better_sqlite3.node'), path.join(sqlite(app), 'build', 'Release', 'better_sqlite3.node'));
  bin = path.join(app, 'node_modules', '.bin', 'meshgraph');
  azurite = await startTestAzurite();
});

after(async () => {
  await azurite?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('meshgraph installed from its tarball', () => {
  it("has no install script of its own (so --ignore-scripts skips only its dependencies')", () => {
    for (const name of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(pkg.scripts[name], undefined, name);
  });

  it('ships the bundled command line and the sources the commands build from, and no tests', () => {
    const installed = path.join(app, 'node_modules', 'meshgraph');
    for (const file of [
      'dist/cli/meshgraph.cjs',
      'cli/bin.cjs',
      'functions/index.ts',
      'functions/cold/index.ts',
      'contracts/telecom/index.ts',
      'host.json',
      'local.settings.json',
    ])
      assert.ok(fs.existsSync(path.join(installed, file)), file);
    for (const folder of ['test', 'bench', 'infra', 'docs', 'dist/hot']) assert.ok(!fs.existsSync(path.join(installed, folder)), folder);
  });

  it('answers --help of every command, and npx meshgraph works as the README shows', async () => {
    const words = Object.entries(COMMANDS).flatMap(([name, entry]) =>
      isGroup(entry) ? [[name], ...Object.keys(entry.subcommands).map((sub) => [name, sub])] : [[name]],
    );
    for (const w of [[], ...words]) {
      const run = await meshgraph([...w, '--help']);
      assert.equal(run.status, 0, `${w.join(' ')}: ${run.stderr}`);
      assert.match(run.stdout, /^usage: meshgraph/, w.join(' '));
    }
    const npx = execFileSync('npx', ['--no', 'meshgraph', 'cdc', 'postgres', '--help'], { cwd: app, env: userEnv(), encoding: 'utf8' });
    assert.match(npx, /^usage: meshgraph cdc postgres --url postgres:/);
  });

  it('build writes dist/hot and dist/cold in the folder, nothing into node_modules', async () => {
    const run = await meshgraph(['build']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^dist\/hot\/main\.js +\d/m);
    for (const app_ of ['hot', 'cold']) assert.ok(fs.existsSync(path.join(app, 'dist', app_, 'main.js')), app_);
    assert.ok(!fs.existsSync(path.join(app, 'node_modules', 'meshgraph', 'dist', 'hot')));
  });

  it('contracts build and check, demo generate', async () => {
    assert.equal((await meshgraph(['contracts', 'build', '--out', 'out/contracts'])).status, 0);
    assert.ok(fs.existsSync(path.join(app, 'out', 'contracts', 'schema.graphql')));
    const check = await meshgraph(['contracts', 'check', '--base', 'out/contracts']);
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /^0 breaking, 0 compatible change/m);
    const demo = await meshgraph(['demo', 'generate', '--customers', '5', '--out', 'demo.ndjson']);
    assert.equal(demo.status, 0, demo.stderr);
    assert.ok(fs.readFileSync(path.join(app, 'demo.ndjson'), 'utf8').split('\n').length > 50);
  });

  describe('against a host it started (start --store memory on a free port)', () => {
    let host: ChildProcess;
    let url: string;

    before(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      host = spawn(process.execPath, [bin, 'start', '--store', 'memory', '--port', String(port)], {
        cwd: app,
        env: userEnv({ MESH_LOG_LEVEL: 'warn' }),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        host.once('exit', (code) => reject(new Error(`meshgraph start exited with ${code}`)));
        readline.createInterface({ input: host.stdout! }).on('line', (line) => line.startsWith('meshgraph is running:') && resolve());
      });
    });

    after(async () => {
      if (host.exitCode === null) host.kill('SIGKILL');
    });

    it('demo sends the demo data to MESH_URL and prints example queries', async () => {
      const run = await meshgraph(['demo', '--customers', '20'], { MESH_URL: url });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /meshgraph demo: \d+ nodes \(20 customers searchable\)/);
    });

    it('ingest sends a CSV; the rejected row becomes a dead letter; list and replay it', async () => {
      fs.writeFileSync(
        path.join(app, 'customers.csv'),
        'Customer No,Full Name,Segment,Created On,Row Version\nP1,"Hopper, Grace",Business,2020-01-02,1\nP2,Bad Date,Consumer,02/01/2020,1\n',
      );
      const ingest = await meshgraph(['ingest', 'customers.csv', '--source', 'crm'], { MESH_URL: url });
      assert.equal(ingest.status, 1, ingest.stderr);
      assert.match(ingest.stdout, /2 rows read, 2 sent, 1 accepted, 1 rejected/);
      const list = await meshgraph(['deadletters', 'list', '--json']);
      assert.equal(list.status, 0, list.stderr);
      const letters = list.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { source?: string; reason: string });
      assert.ok(
        letters.some((l) => l.source === 'crm' && /createdAt/.test(l.reason)),
        list.stdout,
      );
      const replay = await meshgraph(['deadletters', 'replay', '--all', '--source', 'crm'], { MESH_URL: url });
      assert.equal(replay.status, 1, replay.stderr);
      assert.match(replay.stdout, /^replayed 1: 0 accepted, 1 rejected again/);
    });

    it('reindex rebuilds the search index through MESH_URL', async () => {
      const run = await meshgraph(['reindex', '--type', 'Customer'], { MESH_URL: url });
      assert.equal(run.status, 0, run.stderr);
      const documents = Number(/^Customer +(\d+) documents -> /.exec(run.stdout)?.[1]);
      assert.ok(documents >= 21, run.stdout); // the demo's 20 customers and the one ingested
    });

    it('queries register stores operations in storage', async () => {
      fs.writeFileSync(path.join(app, 'ops.graphql'), 'query One { customer(id: "P1") { name } }\n');
      const run = await meshgraph(['queries', 'register', 'ops.graphql', '--out', 'manifest.json']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^[0-9a-f]{64} {2}One$/m);
      assert.ok(fs.existsSync(path.join(app, 'manifest.json')));
    });

    it('Ctrl-C stops the host cleanly', async () => {
      const exited = new Promise<number | null>((resolve) => host.once('exit', resolve));
      host.kill('SIGINT');
      assert.equal(await exited, 0);
    });
  });
});
