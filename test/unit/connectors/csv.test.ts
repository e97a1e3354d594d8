// The RFC 4180 streaming parser: quoting, line breaks inside fields, any chunking, clear errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CsvParser, parseCsv, type CsvRecord } from '../../../connectors/files/csv';

const fields = (records: CsvRecord[]) => records.map((r) => r.fields);

function inChunks(text: string, cuts: number[]): CsvRecord[] {
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(text.slice(at, cut), out);
    at = cut;
  }
  parser.push(text.slice(at), out);
  parser.end(out);
  return out;
}

/** The way a careful writer quotes a field: only when it must. */
function quote(field: string): string {
  return /[",\r\n]/.test(field) || field === '' ? `"${field.replace(/"/g, '""')}"` : field;
}

describe('CSV parser', () => {
  it('reads plain, quoted and empty fields with CRLF, LF and a missing final line break', () => {
    assert.deepEqual(fields(parseCsv('a,b,c\r\n1,,3\n"x","",z')), [
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['x', '', 'z'],
    ]);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields, and numbers records by their first line', () => {
    const records = parseCsv('id,note\n1,"one, two"\n2,"say ""hi"""\n3,"line one\r\nline two\nline three"\n4,last\n');
    assert.deepEqual(fields(records), [
      ['id', 'note'],
      ['1', 'one, two'],
      ['2', 'say "hi"'],
      ['3', 'line one\r\nline two\nline three'],
      ['4', 'last'],
    ]);
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 3, 4, 7],
    );
  });

  it('skips blank lines, keeps trailing empty fields, strips a byte-order mark, takes another delimiter', () => {
    assert.deepEqual(fields(parseCsv('\ufeffa,b\n\n1,\n\r\n2,3\n')), [
      ['a', 'b'],
      ['1', ''],
      ['2', '3'],
    ]);
    assert.deepEqual(fields(parseCsv('a;b\n"x;y";2', ';')), [
      ['a', 'b'],
      ['x;y', '2'],
    ]);
    assert.deepEqual(fields(parseCsv('a\tb\n1\t2', '\t')), [
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('gives the same records however the text is cut into chunks (quotes, CRLF and pairs split)', () => {
    const text = 'id,note\r\n1,"a ""b"" c"\r\n2,"x\r\ny"\r\n3,plain\r\n';
    const whole = parseCsv(text);
    for (let i = 0; i <= text.length; i++) for (let j = i; j <= text.length; j += 3) assert.deepEqual(inChunks(text, [i, j]), whole, `cut at ${i} and ${j}`);
  });

  it('round-trips any table written with RFC 4180 quoting, in any chunks', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r', 'é', '🙂'), maxLength: 6 });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((width) =>
            fc.tuple(fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(80), { maxLength: 5 })),
          ),
        ([rows, cuts]) => {
          const text = rows.map((r) => r.map(quote).join(',')).join('\r\n');
          const parsed = inChunks(
            text,
            cuts.map((c) => Math.min(c, text.length)),
          );
          assert.deepEqual(fields(parsed), rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names the line and column of malformed input', () => {
    assert.throws(() => parseCsv('a,b\n1,"open\n2,3\n'), /line 2, column 2: a quoted field opened on this line is never closed/);
    assert.throws(() => parseCsv('a,b\n1,"x"y\n'), /line 2, column 2: unexpected "y" after the closing quote/);
    assert.throws(() => parseCsv('a,b\n1,2\n3,4"5\n'), /line 3, column 2: a quote inside an unquoted field/);
    assert.throws(() => parseCsv('a,b\n"multi\nline",2\n3,x"\n'), /line 4, column 2/);
    assert.throws(() => new CsvParser('"'), /delimiter/);
  });
});
