// `--help` and `-h` on every command and subcommand print its usage and exit 0; an unknown option
// exits 2 naming it. Neither does anything: no request to the host or to storage (both point at a
// server that records requests), no file written, no host started (a `start` that ran would not
// exit). Run through the bin, as users run it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COMMANDS, isGroup } from '../../../cli/commands';
import { STAGES } from '../../../adapters/deadletter/manage';
import { connectionStringFor } from '../../../host/azurite';
import { CHECKOUT_BIN, runBin, startRecorder, type CliRun, type Recorder } from '../../helpers/cli';
import { freePort } from '../../../host/harness/processes';

/** The words of every command that runs something: `start`, `deadletters replay`, `demo run`… */
const LEAVES: string[][] = Object.entries(COMMANDS).flatMap(([name, entry]) =>
  isGroup(entry) ? [...(entry.fallback ? [[name]] : []), ...Object.keys({ ...entry.subcommands, ...entry.aliases }).map((sub) => [name, sub])] : [[name]],
);
const GROUPS = Object.entries(COMMANDS)
  .filter(([, entry]) => isGroup(entry))
  .map(([name]) => name);

let recorder: Recorder;
let port: number;
const folders: string[] = [];
before(async () => {
  recorder = await startRecorder();
  port = await freePort();
});
after(async () => {
  await recorder.close();
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the bin in an empty folder of its own; checks afterwards that nothing was written or sent. */
async function runQuietly(args: string[]): Promise<CliRun> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-help-'));
  folders.push(cwd);
  const env = {
    ...process.env,
    MESH_URL: recorder.url,
    PORT: String(port),
    AzureWebJobsStorage: connectionStringFor({ blob: recorder.port, queue: recorder.port, table: recorder.port }),
    EventHubConnection: '',
    MESH_DATA_DIR: path.join(cwd, '.data'),
  };
  const before = recorder.requests.length;
  const run = await runBin(CHECKOUT_BIN, args, { cwd, env, timeoutMs: 20_000 });
  assert.deepEqual(recorder.requests.slice(before), [], `meshgraph ${args.join(' ')} sent requests`);
  assert.deepEqual(fs.readdirSync(cwd), [], `meshgraph ${args.join(' ')} wrote files`);
  return run;
}

describe('meshgraph --help and bad options', () => {
  it('the main usage lists every command', async () => {
    const run = await runQuietly(['--help']);
    assert.equal(run.status, 0, run.stderr);
    for (const words of LEAVES.filter((w) => w[1] !== 'run')) assert.match(run.stdout, new RegExp(`^  ${words.join(' ')}\\b`, 'm'), words.join(' '));
    assert.match(run.stdout, /MESH_URL/);
    assert.equal((await runQuietly(['help'])).stdout, run.stdout);
  });

  for (const words of LEAVES) {
    const name = `meshgraph ${words.join(' ')}`;
    it(`${name} --help and -h print its usage and exit 0, doing nothing else`, async () => {
      for (const flag of ['--help', '-h']) {
        const run = await runQuietly([...words, flag]);
        assert.equal(run.status, 0, `${flag}: ${run.stderr}`);
        assert.equal(run.stderr, '');
        assert.match(run.stdout, new RegExp(`^usage: meshgraph ${words[0]}\\b`), flag);
        assert.match(run.stdout, /--help/);
      }
      // --help wins over anything else given, even options the command does not know
      assert.equal((await runQuietly([...words, '--bogus', '--help'])).status, 0);
    });

    it(`${name} --bogus exits 2 naming the option, before anything runs`, async () => {
      const run = await runQuietly([...words, '--bogus']);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /unknown option --bogus/);
      assert.equal(run.stdout, '');
    });
  }

  for (const group of GROUPS) {
    it(`meshgraph ${group} --help lists its commands and exits 0`, async () => {
      const run = await runQuietly([group, '--help']);
      assert.equal(run.status, 0, run.stderr);
      const entry = COMMANDS[group]!;
      if (isGroup(entry)) for (const sub of Object.keys(entry.subcommands)) assert.match(run.stdout, new RegExp(`meshgraph ${group} ${sub}\\b`));
    });
  }

  it('help COMMAND is COMMAND --help; no command, or an unknown one, exits 2', async () => {
    assert.equal((await runQuietly(['help', 'deadletters', 'replay'])).stdout, (await runQuietly(['deadletters', 'replay', '--help'])).stdout);
    const none = await runQuietly([]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^usage: meshgraph <command>/);
    const unknown = await runQuietly(['frobnicate']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    assert.equal((await runQuietly(['deadletters', 'frobnicate'])).status, 2);
  });

  it('names each dead-letter stage the store knows', async () => {
    const run = await runQuietly(['deadletters', 'list', '--help']);
    for (const stage of STAGES) assert.match(run.stdout, new RegExp(`\\b${stage}\\b`));
  });
});
