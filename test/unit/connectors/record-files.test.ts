import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { csvField, writeRecordFiles } from '../../../connectors/files/record-files';
import { parseCsv } from '../../../connectors/files/csv';
import { compileDataProduct } from '../../../core/contracts';
import transit from '../../../contracts/transit';

describe('record files', () => {
  it('quotes a CSV field only when it must (RFC 4180)', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(3.5), '3.5');
  });

  it('writes one file per record type, declared columns first, that the CSV reader reads back', () => {
    const { model } = compileDataProduct(transit);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-files-'));
    try {
      const events = [
        {
          specversion: '1.0' as const,
          id: '1',
          source: 'gtfs',
          type: 'gtfs.stop.row',
          data: { stop_id: 'S1', stop_name: 'Main, "Old" Square', feed_version: 1, extra: 'x' },
        },
        { specversion: '1.0' as const, id: '2', source: 'gtfs', type: 'gtfs.stop.row', data: { stop_id: 'S2', stop_name: 'Mill', feed_version: 2 } },
      ];
      const written = writeRecordFiles(events, model, dir);
      assert.deepEqual(
        written.map((w) => [path.basename(w.file), w.rows]),
        [['stop.csv', 2]],
      );
      const rows = parseCsv(fs.readFileSync(path.join(dir, 'stop.csv'), 'utf8')).map((r) => r.fields);
      assert.deepEqual(rows[0]!.slice(0, 3), ['stop_id', 'stop_name', 'stop_lat']);
      assert.equal(rows[0]!.at(-1), 'extra', 'undeclared columns after the declared ones');
      assert.equal(rows[1]![1], 'Main, "Old" Square');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
