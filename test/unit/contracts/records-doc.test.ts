// The columns each source record reads: generated from the contract for any data product, written
// by `contracts build` (records.md), and in docs/connectors.md for the sample, kept equal to it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildArtifacts, compileDataProduct, dataProduct, field, node, record, recordsMarkdown, source } from '../../../core/contracts';
import { telecom } from '../../../contracts/telecom';
import { graphProduct } from '../../fixtures/graph-product';

const DOC = path.join(__dirname, '../../../docs/connectors.md');
const BEGIN = '<!-- records:begin -->\n';
const END = '<!-- records:end -->';

describe('source records as documentation', () => {
  it('docs/connectors.md lists the columns of every record of the sample product, as the contract declares them', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    assert.ok(start >= 0 && end > start, 'docs/connectors.md has the records markers');
    const expected = recordsMarkdown(compileDataProduct(telecom).model, 4);
    if (process.env.MESH_UPDATE_DOCS === '1') fs.writeFileSync(DOC, doc.slice(0, start + BEGIN.length) + expected + doc.slice(end));
    else
      assert.equal(
        doc.slice(start + BEGIN.length, end),
        expected,
        'regenerate with MESH_UPDATE_DOCS=1 node --import tsx --test test/unit/contracts/records-doc.test.ts',
      );
  });

  it('marks required columns, the row key and the sequence, for any product', () => {
    const Thing = node({ name: 'Thing', owner: 'erp', fields: { label: field.text(), weight: field.float() } });
    const product = compileDataProduct(
      dataProduct({
        name: 'erp-things',
        types: [Thing],
        sources: {
          erp: source({
            records: {
              'erp.item.line': record({
                description: 'One item line.',
                fields: {
                  ItemNo: field.keyword().required(),
                  Tags: field.keyword().list(),
                  Weight: field.float().describe('kg | net'),
                  Stamp: field.keyword(),
                },
                sequence: 'Stamp',
                map: () => [],
              }),
            },
          }),
        },
      }),
    );
    const md = recordsMarkdown(product.model);
    assert.match(md, /^## `erp.item.line` \(source `erp`\)$/m);
    assert.match(
      md,
      /One item line\. Row key \(default `--key`\): `ItemNo`\. Sequence: `Stamp` \(without the column, a file's rows get one from its modification time\)\./,
    );
    assert.match(md, /^\| `ItemNo` \| \*\*yes\*\* \| keyword \|  \|$/m);
    assert.match(md, /^\| `Tags` \|  \| list of keyword/m);
    assert.match(md, /^\| `Weight` \|  \| float \| kg \\\| net \|$/m, 'a pipe does not break the table');
    assert.match(recordsMarkdown(graphProduct.model), /declares no source records/);
  });

  it('is one of the files of a contracts build', () => {
    const files = buildArtifacts(compileDataProduct(telecom));
    assert.match(files['records.md'] ?? '', /^# Source records of telecom\n/);
    assert.match(files['records.md'] ?? '', /^\| `Row Version` \| \*\*yes\*\* \| int \|/m);
  });
});
