// Commands that talk to a host find it through --url, MESH_URL or PORT, and when nothing answers
// there they fail at once (not after ~32 s of retries), name the URL and the setting it came from,
// and print no progress claiming rows were sent. Run through the bin, as users run it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionStringFor } from '../../../host/azurite';
import { CHECKOUT_BIN, runBin, startRecorder, type Recorder } from '../../helpers/cli';
import { freePort } from '../../../host/harness/processes';

const COMMANDS: Record<string, string[]> = {
  demo: ['demo', '--customers', '5'],
  ingest: ['ingest', 'customers.csv', '--source', 'crm'],
  'deadletters replay': ['deadletters', 'replay', '--all'],
  reindex: ['reindex'],
  'cdc postgres': ['cdc', 'postgres', '--url', 'postgres://nobody@127.0.0.1:1/none', '--source', 'billing', '--outbox'],
};

let cwd: string;
let closedPort: number;
let storage: Recorder;
before(async () => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-unreachable-'));
  fs.writeFileSync(path.join(cwd, 'customers.csv'), 'Customer No,Full Name,Segment\nY1,Grace Hopper,Business\n');
  closedPort = await freePort(); // nothing listens there
  storage = await startRecorder();
});
after(async () => {
  await storage.close();
  fs.rmSync(cwd, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    AzureWebJobsStorage: connectionStringFor({ blob: storage.port, queue: storage.port, table: storage.port }),
    EventHubConnection: '',
    MESH_DATA_DIR: path.join(cwd, '.data'),
  };
  delete base['MESH_URL'];
  delete base['PORT'];
  // Killed (and so failed) if it still runs after 15 s: the old retries took ~32 s.
  return runBin(CHECKOUT_BIN, args, { cwd, env: { ...base, ...env }, timeoutMs: 15_000 });
}

describe('a host that does not answer', () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    it(`meshgraph ${name}: PORT names the local host; exit 1 at once, nothing claimed sent`, async () => {
      const r = await run(args, { PORT: String(closedPort) });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`no meshgraph host answers at http://localhost:${closedPort} \\(from PORT=${closedPort}; set MESH_URL or pass --url`));
      assert.doesNotMatch(r.stderr, /sent|%|rows\/s/);
      assert.equal(r.stdout, '');
      assert.deepEqual(storage.requests, [], 'nothing read from storage either');
    });
  }

  it('MESH_URL wins over PORT, and the message says so', async () => {
    const r = await run(COMMANDS['ingest']!, { PORT: '1', MESH_URL: `http://127.0.0.1:${closedPort}` });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`at http://127.0.0.1:${closedPort} \\(from MESH_URL;`));
  });

  it('--url wins over MESH_URL', async () => {
    const r = await run([...COMMANDS['reindex']!, '--url', `http://127.0.0.1:${closedPort}`], { MESH_URL: 'http://127.0.0.1:1' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`at http://127.0.0.1:${closedPort} \\(--url\\)`));
  });

  it('a MESH_URL that is no URL is bad usage (exit 2), naming the setting', async () => {
    const r = await run(COMMANDS['demo']!, { MESH_URL: 'localhost:7071' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MESH_URL must be an http\(s\) URL/);
  });
});
