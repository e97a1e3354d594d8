// Files into a running host: `meshgraph ingest` reads a workbook and a CSV, the rows reach the
// node actors (read back through the cold app), rejections name their rows, and sending the same
// file again changes nothing.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { compileDataProduct } from '../../../core/contracts';
import { telecom } from '../../../contracts/telecom';
import { ingestFile } from '../../../connectors/files/ingest';
import { HttpSink } from '../../../connectors/publish';
import { historyOf, nodeOf, useTelecomHost } from './telecom-host';

const product = compileDataProduct(telecom);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-ingest-'));
const CLI = path.join(__dirname, '../../../cli/main.ts');

before(async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Customers');
  ws.addRow(['Customer No', 'Full Name', 'E-mail', 'Segment', 'City', 'Created On', 'Deleted', 'Row Version']);
  ws.addRow(['X1', 'Ada Lovelace', 'ada@example.org', 'VIP', 'London', new Date(Date.UTC(2021, 2, 4)), 'N', 1]);
  ws.addRow(['X2', 'Charles Babbage', null, 'Consumer', 'London', null, 'N', 1]);
  ws.addRow(['X3', 'Gone Soon', null, 'Consumer', null, null, 'Y', 5]);
  await wb.xlsx.writeFile(path.join(dir, 'customers.xlsx'));
  fs.writeFileSync(
    path.join(dir, 'customers.csv'),
    'Customer No,Full Name,Segment,Created On,Row Version\nY1,"Hopper, Grace",Business,2020-01-02,1\nY2,Bad Date,Consumer,02/01/2020,1\n',
  );
  // The contract requires "Row Version" (the sequence): such a file is refused, not sent with a made-up one.
  fs.writeFileSync(path.join(dir, 'unversioned.csv'), 'Customer No,Full Name\nZ1,Alan Turing\n');
});

/** Runs the command line in a child process (asynchronously: the host answers from this one). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, EventHubConnection: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('meshgraph ingest into the local host', () => {
  const suite = useTelecomHost();

  it("puts a workbook's rows into the graph: upserts, a deleted row as a tombstone", async () => {
    const sink = new HttpSink(suite.host.url);
    const summary = await ingestFile({ file: path.join(dir, 'customers.xlsx'), source: 'crm', product, sink });
    await sink.close();
    assert.deepEqual(
      { rows: summary.rows, accepted: summary.accepted, rejected: summary.rejected, sheet: summary.sheet },
      { rows: 3, accepted: 3, rejected: 0, sheet: 'Customers' },
    );
    await suite.host.runtime.idle();
    const ada = await nodeOf(suite.host, 'Customer', 'X1');
    assert.deepEqual(
      { name: ada.fields.name, segment: ada.fields.segment, city: ada.fields.city, createdAt: ada.fields.createdAt },
      { name: 'Ada Lovelace', segment: 'vip', city: 'London', createdAt: '2021-03-04T00:00:00Z' },
    );
    assert.equal((await nodeOf(suite.host, 'Customer', 'X2')).fields.name, 'Charles Babbage');
    const gone = await nodeOf(suite.host, 'Customer', 'X3');
    assert.ok(gone === undefined || gone.deleted, `X3 is deleted: ${JSON.stringify(gone)}`);
  });

  it('sending the same file again changes nothing', async () => {
    const before = await historyOf(suite.host, 'Customer', 'X1');
    const sink = new HttpSink(suite.host.url);
    const summary = await ingestFile({ file: path.join(dir, 'customers.xlsx'), source: 'crm', product, sink });
    await sink.close();
    assert.equal(summary.accepted, 3);
    await suite.host.runtime.idle();
    assert.deepEqual(await historyOf(suite.host, 'Customer', 'X1'), before);
  });

  it('the command exits 1 naming the rejected row, or 0 with --allow-rejects; the good rows are in', async () => {
    const file = path.join(dir, 'customers.csv');
    const run = await cli(['ingest', file, '--source', 'crm', '--url', suite.host.url]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /customers.csv as crm.customer.row to http:\/\/localhost:\d+: 2 rows read, 2 sent, 1 accepted, 1 rejected/);
    assert.match(run.stdout, /rejected: customers.csv line 3: .*createdAt/);
    assert.match(run.stderr, /customers.csv: 100% 2 rows/, 'plain progress lines off a terminal');
    await suite.host.runtime.idle();
    assert.equal((await nodeOf(suite.host, 'Customer', 'Y1')).fields.name, 'Hopper, Grace');
    const allowed = await cli(['ingest', file, '--source', 'crm', '--url', suite.host.url, '--allow-rejects']);
    assert.equal(allowed.status, 0, allowed.stderr);
  });

  it('the command stops with a clear message on a bad file or bad usage', async () => {
    const bad = await cli(['ingest', path.join(dir, 'customers.csv'), '--source', 'crm', '--key', 'Id', '--url', suite.host.url]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /meshgraph ingest: customers.csv has no column "Id" \(the row key\)/);
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/, 'no stack trace');
    const unversioned = await cli(['ingest', path.join(dir, 'unversioned.csv'), '--source', 'crm', '--url', suite.host.url]);
    assert.equal(unversioned.status, 1, unversioned.stdout);
    assert.match(
      unversioned.stderr,
      /meshgraph ingest: unversioned.csv has no column "Row Version", which crm.customer.row requires; its columns are "Customer No", "Full Name"\. crm.customer.row reads "Customer No" \(required\), "Full Name", .*"Row Version" \(required\)/,
    );
    await suite.host.runtime.idle();
    assert.equal(await nodeOf(suite.host, 'Customer', 'Z1'), undefined, 'no row was sent');
    assert.equal((await cli(['ingest', '--source', 'crm'])).status, 2);
  });
});
