// A file's rows as source-native CloudEvents (`<source>.<record>.row`): the record's data, a stable
// id (source, file, row key and sequence: the same file sent again gives the same events) and a
// sequence (the column the mapping names; when the record does not require that column, or names
// none, the file's modification time + the row's index, so an edited file's rows are newer than
// the ones sent before). A file without a column the record requires is refused before any row.
import path from 'node:path';
import type { CloudEvent, RecordModel } from '../../core/contracts';
import { asText } from '../values';
import { ConnectorError, defaultKeyColumn, describeColumns, rowData, stableId } from '../records';
import type { SourceRow } from './source';

export interface FilePlan {
  source: string;
  record: RecordModel;
  /** The column whose value identifies a row (for its event id). */
  key: string;
  /** The file's name: rows of two files with the same key are different events. */
  fileKey: string;
  mtimeMs: number;
}

export type RowEvent = { ok: true; event: CloudEvent } | { ok: false; reason: string };

/** Sequences from mtime: whole seconds × 2^22 + row index stays a safe integer until 2038. */
const ROWS_PER_SECOND = 4_194_304;

export function planFile(options: { source: string; record: RecordModel; file: string; mtimeMs: number; key?: string; columns?: string[] }): FilePlan {
  const { record, columns } = options;
  const key = options.key ?? defaultKeyColumn(record);
  if (key === undefined) throw new ConnectorError(`${record.type} declares no required field to identify a row by; name the key column with --key`);
  const name = path.basename(options.file);
  if (columns) {
    const listed = `its columns are ${columns.map((c) => `"${c}"`).join(', ')}`;
    if (!columns.includes(key))
      throw new ConnectorError(`${name} has no column "${key}" (the row key${options.key ? '' : ` of ${record.type}; --key names another`}); ${listed}`);
    // The sequence too: a required sequence is the source's version of the row, never made up.
    const missing = Object.values(record.fields).filter((f) => f.required && !columns.includes(f.name));
    if (missing.length > 0)
      throw new ConnectorError(
        `${name} has no column ${missing.map((f) => `"${f.name}"`).join(', ')}, which ${record.type} requires; ${listed}. ${describeColumns(record)}`,
      );
  }
  return { source: options.source, record, key, fileKey: name, mtimeMs: options.mtimeMs };
}

/** The sequence of a row that has no sequence column, in the kind the record's field wants. */
export function fileSequence(plan: FilePlan, index: number): number | string {
  const kind = plan.record.sequence === undefined ? undefined : plan.record.fields[plan.record.sequence]?.kind;
  if (kind === 'int') {
    if (index >= ROWS_PER_SECOND)
      throw new ConnectorError(
        `${plan.fileKey} has over ${ROWS_PER_SECOND} rows and no "${plan.record.sequence}" column: add one (the contract's sequence) to send it`,
      );
    return Math.floor(plan.mtimeMs / 1000) * ROWS_PER_SECOND + index;
  }
  return `${Math.floor(plan.mtimeMs)}${String(index).padStart(9, '0')}`;
}

/** Why a row that could not be read is rejected, naming the file, the row and the column. */
export function rowProblem(fileKey: string, row: SourceRow): string {
  const where = `${fileKey} ${row.at}`;
  return row.column === undefined ? `${where} ${row.problem}` : `${where}, column "${row.column}": ${row.problem}`;
}

export function rowToEvent(plan: FilePlan, row: SourceRow): RowEvent {
  const where = `${plan.fileKey} ${row.at}`;
  if (row.problem !== undefined) return { ok: false, reason: rowProblem(plan.fileKey, row) };
  const keyValue = row.values[plan.key];
  if (keyValue === undefined || keyValue === null || asText(keyValue).trim() === '')
    return { ok: false, reason: `${where}, column "${plan.key}": the row key is empty` };
  const sequenceColumn = plan.record.sequence;
  // A file without an optional sequence column gets one from its modification time; a required
  // one that is absent (an NDJSON row without it) or empty is the row's problem.
  const optionalSequence = sequenceColumn !== undefined && !plan.record.fields[sequenceColumn]?.required;
  const values = optionalSequence && !(sequenceColumn in row.values) ? { ...row.values, [sequenceColumn]: fileSequence(plan, row.index) } : row.values;
  const mapped = rowData(plan.record, values);
  if (!mapped.ok) return { ok: false, reason: `${where}, column "${mapped.column}": ${mapped.reason}` };
  const sequence = sequenceColumn === undefined ? fileSequence(plan, row.index) : (mapped.data[sequenceColumn] as number | string);
  const event: CloudEvent = {
    specversion: '1.0',
    id: stableId(plan.record.type, plan.fileKey, asText(keyValue), String(sequence)),
    source: plan.source,
    type: plan.record.type,
    ...(sequenceColumn === undefined ? { sequence } : {}),
    data: mapped.data,
  };
  return { ok: true, event };
}
