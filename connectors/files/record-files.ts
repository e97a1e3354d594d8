// Source-native records written as files, one CSV per record type (`route.csv` for
// `gtfs.route.row`), with the record's declared columns first: what `meshgraph ingest` reads
// back. `meshgraph demo generate --format csv` uses it to give any data product sample files.
import fs from 'node:fs';
import path from 'node:path';
import type { CloudEvent, ContractModel, RecordModel } from '../../core/contracts';
import { recordModelOf } from '../../core/contracts';
import { recordName } from '../records';

/** One CSV field (RFC 4180): quoted when it holds a delimiter, quote or line break. */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (values: readonly unknown[]): string => values.map(csvField).join(',') + '\n';

interface OpenFile {
  record: RecordModel;
  columns: string[];
  lines: string[];
}

/** Groups events by record type and writes `<dir>/<record>.csv`; returns the files and their row counts. */
export function writeRecordFiles(events: Iterable<CloudEvent>, model: ContractModel, dir: string): Array<{ file: string; type: string; rows: number }> {
  const files = new Map<string, OpenFile>();
  for (const event of events) {
    let open = files.get(event.type);
    if (!open) {
      const record = recordModelOf(model, event.type);
      if (!record) throw new Error(`${event.type} is not a record type of the data product ${model.name}`);
      open = { record, columns: Object.keys(record.fields), lines: [] };
      files.set(event.type, open);
    }
    const data = (event.data ?? {}) as Record<string, unknown>;
    for (const column of Object.keys(data)) if (!open.columns.includes(column)) open.columns.push(column);
    open.lines.push(JSON.stringify(data));
  }
  fs.mkdirSync(dir, { recursive: true });
  const out: Array<{ file: string; type: string; rows: number }> = [];
  for (const [type, open] of files) {
    const file = path.join(dir, `${recordName(open.record)}.csv`);
    let text = csvLine(open.columns);
    for (const line of open.lines) {
      const data = JSON.parse(line) as Record<string, unknown>;
      text += csvLine(open.columns.map((c) => data[c]));
    }
    fs.writeFileSync(file, text);
    out.push({ file, type, rows: open.lines.length });
  }
  return out;
}
