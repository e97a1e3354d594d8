// A source file as a stream of rows keyed by column name, whatever its format: .xlsx (one sheet),
// .csv/.tsv (RFC 4180, header line first), .ndjson/.jsonl (one JSON object per line).
// A file that cannot be read as its format is a SourceFileError naming the file and the place.
import fs from 'node:fs';
import path from 'node:path';
import { CsvError, CsvParser, type CsvRecord } from './csv';
import { SourceFileError, type RawRow } from './rows';
import { CellError, readXlsx, sheetNames } from './xlsx';

/** One data row, by column name. */
export interface SourceRow {
  at: string;
  /** 1-based position among the file's data rows. */
  index: number;
  values: Record<string, unknown>;
  problem?: string;
  /** The column the problem is in, if it is one cell's. */
  column?: string;
}

export type FileFormat = 'xlsx' | 'csv' | 'ndjson';

export interface SourceFile {
  file: string;
  format: FileFormat;
  sheet?: string;
  /**
   * Column names: the header row's; for NDJSON, whose rows name their own, the keys of its first
   * object (known once that row is read).
   */
  columns?: string[];
  rows: AsyncIterable<SourceRow>;
  size: number;
  mtimeMs: number;
  bytesRead(): number;
}

export function formatOf(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new SourceFileError(file, `has an extension ("${ext || 'none'}") meshgraph cannot read; use .xlsx, .csv, .tsv, .ndjson or .jsonl`);
}

export interface OpenOptions {
  /** The sheet of a workbook; default: one named after the record (`Customers` for crm.customer.row), else the first. */
  sheet?: string;
  /** The record name, to choose a sheet (`customer`). */
  recordName?: string;
  /** CSV field delimiter; default `,` (tab for .tsv). */
  delimiter?: string;
}

/** The sheet a workbook's rows are read from. */
export function chooseSheet(file: string, names: string[], options: OpenOptions): string {
  if (names.length === 0) throw new SourceFileError(file, 'has no sheet');
  if (options.sheet !== undefined) {
    if (names.includes(options.sheet)) return options.sheet;
    throw new SourceFileError(file, `has no sheet "${options.sheet}"; its sheets are ${names.map((n) => `"${n}"`).join(', ')}`);
  }
  const record = options.recordName?.toLowerCase();
  const named =
    record === undefined
      ? undefined
      : names.find((n) => [record, `${record}s`, `${record}es`, record.replace(/y$/, 'ies')].includes(n.toLowerCase().replace(/[\s_-]+/g, '')));
  return named ?? names[0]!;
}

async function* csvRows(file: string, delimiter: string, onBytes: (n: number) => void): AsyncGenerator<RawRow> {
  const parser = new CsvParser(delimiter);
  const input = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  const out: CsvRecord[] = [];
  const toRow = (r: CsvRecord): RawRow => ({ at: `line ${r.line}`, cells: r.fields });
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      onBytes(Buffer.byteLength(chunk));
      parser.push(chunk, out);
      for (const r of out) yield toRow(r);
      out.length = 0;
    }
    parser.end(out);
  } catch (err) {
    if (err instanceof CsvError) throw new SourceFileError(file, `is not valid CSV: ${err.message}`);
    throw err;
  }
  for (const r of out) yield toRow(r);
}

async function* ndjsonRows(file: string, onBytes: (n: number) => void): AsyncGenerator<RawRow> {
  const input = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let rest = '';
  let line = 0;
  const toRow = (text: string): RawRow | undefined => {
    line++;
    if (text.trim() === '') return undefined;
    const at = `line ${line}`;
    try {
      const object = JSON.parse(text) as unknown;
      if (typeof object !== 'object' || object === null || Array.isArray(object)) return { at, problem: 'is not a JSON object' };
      return { at, object: object as Record<string, unknown> };
    } catch (err) {
      return { at, problem: `is not valid JSON (${(err as Error).message})` };
    }
  };
  for await (const chunk of input as AsyncIterable<string>) {
    onBytes(Buffer.byteLength(chunk));
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      const row = toRow(l);
      if (row) yield row;
    }
  }
  const last = toRow(rest);
  if (last) yield last;
}

function isBlank(cells: unknown[]): boolean {
  return cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''));
}

/** Column names from a header row: trimmed text; empty ones are skipped, duplicates refused. */
function header(file: string, raw: RawRow): (string | undefined)[] {
  const names = (raw.cells ?? []).map((c) => (c === null || c === undefined ? undefined : String(c instanceof CellError ? c.error : c).trim() || undefined));
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === undefined) return;
    const before = seen.get(n);
    if (before !== undefined) throw new SourceFileError(file, `${raw.at}: columns ${before + 1} and ${i + 1} are both named "${n}"`);
    seen.set(n, i);
  });
  return names;
}

export function openSourceFile(file: string, options: OpenOptions = {}): SourceFile {
  const format = formatOf(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new SourceFileError(file, `cannot be read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (!stat.isFile()) throw new SourceFileError(file, 'is not a file');
  let bytes = 0;
  const onBytes = (n: number) => (bytes += n);
  const sheet = format === 'xlsx' ? chooseSheet(file, sheetNames(file), options) : undefined;
  const raw =
    format === 'xlsx'
      ? readXlsx(file, sheet!, onBytes)
      : format === 'csv'
        ? csvRows(file, options.delimiter ?? (file.toLowerCase().endsWith('.tsv') ? '\t' : ','), onBytes)
        : ndjsonRows(file, onBytes);
  const source: SourceFile = {
    file,
    format,
    ...(sheet !== undefined ? { sheet } : {}),
    rows: rowsOf(),
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    bytesRead: () => bytes,
  };

  async function* rowsOf(): AsyncGenerator<SourceRow> {
    let names: (string | undefined)[] | undefined;
    let index = 0;
    for await (const r of raw) {
      if (r.problem !== undefined) {
        yield { at: r.at, index: ++index, values: {}, problem: r.problem };
        continue;
      }
      if (r.object) {
        source.columns ??= Object.keys(r.object);
        yield { at: r.at, index: ++index, values: r.object };
        continue;
      }
      const cells = r.cells ?? [];
      if (isBlank(cells)) continue;
      if (!names) {
        names = header(file, r);
        source.columns = names.filter((n): n is string => n !== undefined);
        continue;
      }
      index++;
      if (format === 'csv' && cells.length !== names.length) {
        yield { at: r.at, index, values: {}, problem: `has ${cells.length} fields; the header line has ${names.length}` };
        continue;
      }
      const values: Record<string, unknown> = {};
      let broken: { column: string; error: string } | undefined;
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        if (name === undefined) continue;
        const cell = cells[i];
        if (cell instanceof CellError) broken ??= { column: name, error: cell.error };
        values[name] = cell;
      }
      if (broken) yield { at: r.at, index, values: {}, column: broken.column, problem: `the cell holds the error ${broken.error}` };
      else yield { at: r.at, index, values };
    }
    if (!names && format !== 'ndjson') throw new SourceFileError(file, `${sheet ? `(sheet "${sheet}") ` : ''}has no header row`);
  }
  return source;
}
