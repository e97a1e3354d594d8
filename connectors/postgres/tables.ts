// Captured rows as source-native events: a published table's rows are the record
// `<source>.<table>.row` (singular or plural table names match; `--table accounts=account` says
// otherwise), with the row's columns plus `op` (c, u or d) and the change's sequence in the
// record's sequence column (`lsn` in the telecom billing source). The record must declare `op` so
// its mapping can turn a delete into a tombstone.
import type { CloudEvent, ContractModel, RecordModel } from '../../core/contracts';
import { asText, passThrough } from '../values';
import { ConnectorError, resolveRecord, rowData, stableId } from '../records';

export type Op = 'c' | 'u' | 'd';

export interface TablePlan {
  /** `schema.table` */
  table: string;
  record: RecordModel;
  /** The columns that identify a row (the primary key or replica identity). */
  keys: string[];
}

export function planTables(
  model: ContractModel,
  source: string,
  tables: Array<{ schema: string; name: string }>,
  overrides: Record<string, string> = {},
): Map<string, TablePlan> {
  const plans = new Map<string, TablePlan>();
  for (const t of tables) {
    const full = `${t.schema}.${t.name}`;
    const named = overrides[full] ?? overrides[t.name];
    let record: RecordModel;
    try {
      record = resolveRecord(model, source, named, named === undefined ? t.name : undefined);
    } catch (err) {
      throw new ConnectorError(`table ${full}: ${(err as Error).message}`);
    }
    if (named === undefined && !recordMatches(record, t.name))
      throw new ConnectorError(
        `table ${full} matches no record type of source "${source}" (${Object.keys(model.sources[source]?.records ?? {}).join(', ')}); map it with --table ${t.name}=RECORD`,
      );
    if (!('op' in record.fields))
      throw new ConnectorError(
        `${record.type} (for table ${full}) declares no "op" field (c, u or d), so deletes could not become tombstones; add one to the contract`,
      );
    if (record.sequence === undefined) throw new ConnectorError(`${record.type} (for table ${full}) declares no sequence field to carry the log position`);
    plans.set(full, { table: full, record, keys: [] });
  }
  return plans;
}

function recordMatches(record: RecordModel, table: string): boolean {
  const name = record.type.split('.').slice(1, -1).join('.').toLowerCase();
  const t = table.toLowerCase();
  return [t, t.replace(/ies$/, 'y'), t.replace(/es$/, ''), t.replace(/s$/, '')].includes(name);
}

export interface ChangeEvent {
  event: CloudEvent;
  /** Why the row could not be read as the record: the event then carries the row as it is, for the host to reject and keep as a dead letter. */
  problem?: string;
}

/** One captured row change (or snapshot row) as the record's event. */
export function changeEvent(source: string, plan: TablePlan, op: Op, row: Record<string, unknown>, sequence: string): ChangeEvent {
  const seqField = plan.record.sequence!;
  const kind = plan.record.fields[seqField]?.kind;
  const values = { ...row, op, [seqField]: kind === 'int' && Number.isSafeInteger(Number(sequence)) ? Number(sequence) : sequence };
  const key = plan.keys.map((k) => asText(row[k])).join('/');
  const id = stableId(plan.record.type, plan.table, key, sequence);
  const mapped = rowData(plan.record, values);
  const data = mapped.ok ? mapped.data : Object.fromEntries(Object.entries(values).map(([k, v]) => [k, passThrough(v)]));
  const event: CloudEvent = { specversion: '1.0', id, source, type: plan.record.type, data };
  return mapped.ok ? { event } : { event, problem: `${plan.table} row ${key || '?'} (${op} at ${sequence}), column "${mapped.column}": ${mapped.reason}` };
}
