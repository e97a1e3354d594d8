// What a connector needs from the contracts: which record type a source's rows are, and how a row
// becomes that record's data (each declared column read as its field's kind). Shared by the file
// and the Postgres connectors.
import { createHash } from 'node:crypto';
import type { ContractModel, RecordModel } from '../core/contracts';
import { coerce, passThrough } from './values';

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
}

/** `<source>.<name>.row`, or the type as given when it already has dots. */
export function recordTypeName(source: string, name: string): string {
  return name.includes('.') ? name : `${source}.${name}.row`;
}

/** The middle part of `crm.customer.row`. */
export function recordName(record: RecordModel): string {
  const parts = record.type.split('.');
  return parts.length >= 3 ? parts.slice(1, -1).join('.') : parts[parts.length - 1]!;
}

/** A singular guess for a plural table or file name: accounts → account, categories → category. */
function singulars(name: string): string[] {
  const n = name.toLowerCase();
  return [n, n.replace(/ies$/, 'y'), n.replace(/es$/, ''), n.replace(/s$/, '')];
}

/**
 * The record type a source's rows are. `name` is a record name or full type (`--type`); else
 * `hint` (a file or table name) is matched against the source's record names, singular or plural;
 * else the source's only record type.
 */
export function resolveRecord(model: ContractModel, source: string, name?: string, hint?: string): RecordModel {
  const declared = model.sources[source];
  if (!declared) throw new ConnectorError(`the contracts declare no source "${source}"; sources: ${Object.keys(model.sources).join(', ') || '(none)'}`);
  const records = Object.values(declared.records);
  const list = records.map((r) => r.type).join(', ') || '(none)';
  if (name !== undefined) {
    const found = declared.records[recordTypeName(source, name)];
    if (!found) throw new ConnectorError(`source "${source}" declares no record type ${recordTypeName(source, name)}; it declares ${list}`);
    return found;
  }
  if (hint !== undefined) {
    const guesses = singulars(hint);
    const found = records.find((r) => guesses.includes(recordName(r).toLowerCase()));
    if (found) return found;
  }
  if (records.length === 1) return records[0]!;
  throw new ConnectorError(`source "${source}" declares ${records.length} record types (${list}); name one with --type`);
}

/** A record's columns for a message: `crm.customer.row reads "Customer No" (required), "Full Name", …`. */
export function describeColumns(record: RecordModel): string {
  return `${record.type} reads ${Object.values(record.fields)
    .map((f) => `"${f.name}"${f.required ? ' (required)' : ''}`)
    .join(', ')}`;
}

/** The default row key: the first required column that is not the sequence. */
export function defaultKeyColumn(record: RecordModel): string | undefined {
  return Object.values(record.fields).find((f) => f.required && f.name !== record.sequence)?.name;
}

export type RowData = { ok: true; data: Record<string, unknown> } | { ok: false; column: string; reason: string };

/**
 * A row's values as the record's data: declared columns coerced to their kinds (in declaration
 * order, so the first bad column is the one reported), other columns passed through as they are.
 */
export function rowData(record: RecordModel, values: Record<string, unknown>): RowData {
  const data: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(values)) if (!(column in record.fields)) data[column] = passThrough(value);
  for (const field of Object.values(record.fields)) {
    const value = values[field.name];
    if (value === undefined && !field.required) continue; // an absent column leaves the field alone
    if (field.required && !(field.name in values)) return { ok: false, column: field.name, reason: 'is missing, but the contract requires it' };
    const c = coerce(value, field);
    if (!c.ok) return { ok: false, column: field.name, reason: c.reason };
    data[field.name] = c.value;
  }
  return { ok: true, data };
}

/** A stable event id: the same parts always give the same id (re-sending is a no-op). */
export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}:${createHash('sha1').update(parts.join('\u0000')).digest('base64url').slice(0, 22)}`;
}
