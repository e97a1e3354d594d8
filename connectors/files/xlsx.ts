// Rows of one sheet of an .xlsx workbook, streamed with exceljs's WorkbookReader (the workbook is
// never held in memory). The sheet names are read first from the zip's central directory (a few
// KB), so the sheet can be chosen by name before the streaming pass.
import fs from 'node:fs';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { SourceFileError, type RawRow } from './rows';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** One entry of a zip file, inflated; undefined when absent. Throws when the file is no zip. */
function readZipEntry(file: string, name: string): Buffer | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    fs.readSync(fd, tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new SourceFileError(file, 'is not an .xlsx workbook (not a zip file)');
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    const dir = Buffer.alloc(dirSize);
    fs.readSync(fd, dir, 0, dirSize, dirOffset);
    for (let p = 0; p + 46 <= dir.length && dir.readUInt32LE(p) === CENTRAL;) {
      const method = dir.readUInt16LE(p + 10);
      const compressed = dir.readUInt32LE(p + 20);
      const nameLength = dir.readUInt16LE(p + 28);
      const skip = nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
      const entryName = dir.toString('utf8', p + 46, p + 46 + nameLength);
      const localOffset = dir.readUInt32LE(p + 42);
      p += 46 + skip;
      if (entryName !== name) continue;
      const header = Buffer.alloc(30);
      fs.readSync(fd, header, 0, 30, localOffset);
      if (header.readUInt32LE(0) !== LOCAL) throw new SourceFileError(file, 'is not an .xlsx workbook (a damaged zip file)');
      const data = Buffer.alloc(compressed);
      fs.readSync(fd, data, 0, compressed, localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28));
      return method === 0 ? data : zlib.inflateRawSync(data);
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The workbook's sheet names, in the order Excel shows them. */
export function sheetNames(file: string): string[] {
  const workbook = readZipEntry(file, 'xl/workbook.xml');
  if (!workbook) throw new SourceFileError(file, 'is not an .xlsx workbook (a zip file without xl/workbook.xml)');
  return [...workbook.toString('utf8').matchAll(/<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"/g)].map((m) =>
    m[1]!.replace(/&(\w+);/g, (all, e: string) => XML_ENTITIES[e] ?? all),
  );
}

/** A cell's value as a plain value: rich text joined, a formula's result, a hyperlink's text. */
export function cellValue(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object' || value instanceof Date) return value;
  const v = value as { richText?: Array<{ text: string }>; result?: unknown; formula?: unknown; sharedFormula?: unknown; text?: unknown; error?: string };
  if (v.richText) return v.richText.map((r) => r.text).join('');
  if (v.error !== undefined) return new CellError(v.error);
  if ('formula' in v || 'sharedFormula' in v) return cellValue(v.result);
  if (v.text !== undefined) return cellValue(v.text);
  return value;
}

/** A cell holding an error (#N/A, #REF!…): the row is rejected naming the cell. */
export class CellError {
  constructor(readonly error: string) {}
}

export interface XlsxRows {
  sheet: string;
  rows: AsyncGenerator<RawRow>;
}

/** The rows (header first) of the chosen sheet; `bytes` counts what was read of the file. */
export function readXlsx(file: string, sheet: string, onBytes: (n: number) => void): AsyncGenerator<RawRow> {
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('data', (chunk) => onBytes(chunk.length));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  return (async function* () {
    let found = false;
    try {
      for await (const worksheet of reader) {
        const ws = worksheet as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
        if (ws.name !== sheet || found) continue;
        found = true;
        for await (const row of ws) {
          const values = row.values as unknown[];
          const cells: unknown[] = [];
          for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
          yield { at: `row ${row.number}`, cells };
        }
      }
    } catch (err) {
      if (err instanceof SourceFileError) throw err;
      throw new SourceFileError(file, `could not be read as an .xlsx workbook: ${(err as Error).message}`);
    }
    if (!found) throw new SourceFileError(file, `has no sheet "${sheet}" that could be read`);
  })();
}
