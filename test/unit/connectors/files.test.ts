// Reading files: a generated workbook (sheet choice, cell kinds), CSV and NDJSON, bad files, and a
// whole run into an in-memory sink (every row accepted or rejected with its place).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { compileDataProduct, type CloudEvent } from '../../../core/contracts';
import { checkEvents } from '../../../core/ingest/check';
import { telecom } from '../../../contracts/telecom';
import { openSourceFile, type SourceRow } from '../../../connectors/files/source';
import { sheetNames } from '../../../connectors/files/xlsx';
import { ingestFile } from '../../../connectors/files/ingest';
import type { EventSink, SendResult } from '../../../connectors/publish';
import { ConnectorError } from '../../../connectors/records';

const product = compileDataProduct(telecom);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-files-'));
const at = (name: string) => path.join(dir, name);

async function rows(file: string, options = {}): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const r of openSourceFile(file, options).rows) out.push(r);
  return out;
}

/** Validates like the host does and keeps what it accepted. */
class MemorySink implements EventSink {
  readonly target = 'memory';
  readonly events: CloudEvent[] = [];
  async send(events: CloudEvent[]): Promise<SendResult> {
    const { accepted, rejected } = checkEvents(product, events);
    this.events.push(...accepted.map((a) => a.event));
    return { accepted: accepted.length, rejected: rejected.map((r) => ({ index: r.index, reason: r.reason })) };
  }
  async close() {}
}

before(async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Notes').addRow(['exported by hand']);
  const ws = wb.addWorksheet('Customers');
  ws.addRow([]);
  ws.addRow(['Customer No', 'Full Name', 'Segment', 'Created On', 'Row Version', 'Comment']);
  ws.addRow(['C1', { richText: [{ text: 'Ada ' }, { text: 'Lovelace' }] }, 'VIP', new Date(Date.UTC(2020, 1, 3)), 1, { formula: '"x"&"y"', result: 'xy' }]);
  ws.addRow([1002, 'Charles Babbage', 'Gold', '2020-02-04', 2]);
  ws.addRow([]);
  ws.addRow(['C3', 'Grace Hopper', 'consumer', null, { formula: '1+2', result: 3 }]);
  ws.addRow(['C4', { error: '#N/A' }, 'Business', null, 4]);
  await wb.xlsx.writeFile(at('crm-export.xlsx'));
  fs.writeFileSync(at('not-a-workbook.xlsx'), 'Customer No,Full Name\nC1,Ada\n');
  fs.writeFileSync(at('customers.csv'), 'Customer No,Full Name,Row Version\r\nC10,"Lovelace, Ada",1\r\nC11,"Two\nlines",1\r\nC12,short\r\n');
  fs.writeFileSync(at('broken.csv'), 'Customer No,Full Name\nC1,"never closed\n');
  fs.writeFileSync(at('no-version.csv'), 'Customer No,Full Name\nC20,Ada\n');
  fs.writeFileSync(at('no-version.tsv'), 'Customer No\tFull Name\nC20\tAda\n');
  fs.writeFileSync(at('subscriptions.ndjson'), '{oops\n{"subscription_id":"S1","op":"c"}\n{"subscription_id":"S2","op":"c","lsn":"7"}\n');
  const noVersion = new ExcelJS.Workbook();
  noVersion.addWorksheet('Customers').addRow(['Customer No', 'Full Name']).commit();
  noVersion.getWorksheet('Customers')!.addRow(['C20', 'Ada']);
  await noVersion.xlsx.writeFile(at('no-version.xlsx'));
  fs.writeFileSync(
    at('accounts.ndjson'),
    '{"account_id":"A1","status_code":"A","op":"c","lsn":"5"}\n\n{oops\n[1]\n{"account_id":"A2","status_code":"Z","op":"c","lsn":"6"}\n',
  );
});

describe('reading source files', () => {
  it("lists a workbook's sheets and reads the one named after the record, skipping blank rows", async () => {
    assert.deepEqual(sheetNames(at('crm-export.xlsx')), ['Notes', 'Customers']);
    const file = openSourceFile(at('crm-export.xlsx'), { recordName: 'customer' });
    assert.equal(file.sheet, 'Customers');
    const read = await rows(at('crm-export.xlsx'), { recordName: 'customer' });
    assert.deepEqual(
      read.map((r) => [r.at, r.index]),
      [
        ['row 3', 1],
        ['row 4', 2],
        ['row 6', 3],
        ['row 7', 4],
      ],
    );
    assert.deepEqual(read[0]!.values, {
      'Customer No': 'C1',
      'Full Name': 'Ada Lovelace',
      Segment: 'VIP',
      'Created On': new Date(Date.UTC(2020, 1, 3)),
      'Row Version': 1,
      Comment: 'xy',
    });
    assert.equal(read[2]!.values['Row Version'], 3);
    assert.deepEqual((await rows(at('crm-export.xlsx'), { sheet: 'Notes' })).length, 0, 'a sheet with only a header has no rows');
  });

  it('explains a file it cannot read', async () => {
    assert.throws(() => openSourceFile(at('not-a-workbook.xlsx')), /not-a-workbook.xlsx is not an .xlsx workbook \(not a zip file\)/);
    assert.throws(
      () => openSourceFile(at('crm-export.xlsx'), { sheet: 'Clients' }),
      /crm-export.xlsx has no sheet "Clients"; its sheets are "Notes", "Customers"/,
    );
    assert.throws(() => openSourceFile(at('missing.csv')), /missing.csv cannot be read: no such file/);
    assert.throws(() => openSourceFile(at('data.parquet')), /extension \("\.parquet"\) meshgraph cannot read/);
    await assert.rejects(rows(at('broken.csv')), /broken.csv is not valid CSV: line 2, column 2: a quoted field opened on this line is never closed/);
  });

  it('reads CSV rows by header name and flags a row with the wrong number of fields', async () => {
    const read = await rows(at('customers.csv'));
    assert.deepEqual(
      read.map((r) => r.values['Full Name']),
      ['Lovelace, Ada', 'Two\nlines', undefined],
    );
    assert.equal(read[2]!.problem, 'has 2 fields; the header line has 3');
    assert.equal(read[2]!.at, 'line 5');
  });
});

describe('a file into a sink', () => {
  it('sends every readable row and accounts for each one (xlsx)', async () => {
    const sink = new MemorySink();
    const summary = await ingestFile({ file: at('crm-export.xlsx'), source: 'crm', product, sink });
    assert.deepEqual(
      { rows: summary.rows, sent: summary.sent, accepted: summary.accepted, rejected: summary.rejected },
      { rows: 4, sent: 2, accepted: 2, rejected: 2 },
    );
    assert.deepEqual(summary.reasons, [
      'crm-export.xlsx row 4, column "Segment": "Gold" is not one of Consumer, Business, VIP',
      'crm-export.xlsx row 7, column "Full Name": the cell holds the error #N/A',
    ]);
    assert.deepEqual(
      sink.events.map((e) => (e.data as Record<string, unknown>)['Customer No']),
      ['C1', 'C3'],
    );
    assert.equal((sink.events[0]!.data as Record<string, unknown>)['Created On'], '2020-02-03');
    assert.equal((sink.events[1]!.data as Record<string, unknown>).Segment, 'Consumer');
  });

  it('counts rows the contracts refuse, by their line (ndjson)', async () => {
    const sink = new MemorySink();
    const summary = await ingestFile({ file: at('accounts.ndjson'), source: 'billing', product, sink });
    assert.deepEqual({ rows: summary.rows, accepted: summary.accepted, rejected: summary.rejected }, { rows: 4, accepted: 1, rejected: 3 });
    assert.match(summary.reasons.join('\n'), /accounts.ndjson line 3 is not valid JSON/);
    assert.match(summary.reasons.join('\n'), /accounts.ndjson line 4 is not a JSON object/);
    assert.match(summary.reasons.join('\n'), /accounts.ndjson line 5, column "status_code": "Z" is not one of A, S, C/);
  });

  for (const file of ['no-version.csv', 'no-version.tsv', 'no-version.xlsx']) {
    it(`stops before sending anything when a required column is missing (${file}), naming the record and the columns`, async () => {
      const sink = new MemorySink();
      await assert.rejects(
        ingestFile({ file: at(file), source: 'crm', product, sink }),
        (e: Error) =>
          e instanceof ConnectorError &&
          e.message.startsWith(
            `${file} has no column "Row Version", which crm.customer.row requires; its columns are "Customer No", "Full Name". crm.customer.row reads "Customer No" (required)`,
          ),
      );
      assert.equal(sink.events.length, 0);
    });
  }

  it('stops when the first object of an NDJSON file lacks a required column, before sending anything', async () => {
    const sink = new MemorySink();
    await assert.rejects(
      ingestFile({ file: at('subscriptions.ndjson'), source: 'billing', product, sink }),
      /subscriptions.ndjson has no column "lsn", which billing.subscription.row requires; its columns are "subscription_id", "op"/,
    );
    assert.equal(sink.events.length, 0);
  });

  it('stops with the missing column before sending anything', async () => {
    const sink = new MemorySink();
    await assert.rejects(
      ingestFile({ file: at('customers.csv'), source: 'crm', key: 'Customer Id', product, sink }),
      /customers.csv has no column "Customer Id" \(the row key\); its columns are "Customer No", "Full Name", "Row Version"/,
    );
    assert.equal(sink.events.length, 0);
  });
});
