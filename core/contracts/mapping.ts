// Source mappings at run time: a source-native event becomes the canonical events its record
// type's mapping yields, checked like any canonical event (schema and ownership), so a mapping
// bug is reported with a reason instead of writing bad data. Canonical events pass through.
import { changesToEvents } from './changes';
import type { CloudEvent } from './changes';
import type { CanonicalChange } from './dsl';
import type { DataProductDef } from './dsl';
import type { RecordModel } from './model';
import type { EventValidators } from './validators';
import { errorMessage } from '../errors';

export type MappingResult = { ok: true; changes: CanonicalChange[]; events: CloudEvent[] } | { ok: false; reasons: string[] };

export type SourceMapper = (event: unknown) => MappingResult;

/**
 * Runs a record type's mapping on an event already known to be valid, without checking the
 * output: the hot path of generators; ingestion goes through createSourceMapper.
 */
export function applyRecordMapping(def: DataProductDef, record: RecordModel, event: CloudEvent): MappingResult {
  const recordDef = def.sources[record.source]?.records[record.type];
  if (!recordDef) return { ok: false, reasons: [`type: no mapping for ${record.type}`] };
  const data = event.data as Record<string, unknown>;
  let changes: CanonicalChange[];
  try {
    changes = recordDef.map(data as never);
  } catch (thrown) {
    return { ok: false, reasons: [`mapping of ${record.type} failed: ${errorMessage(thrown)}`] };
  }
  const sequence = record.sequence === undefined ? event.sequence : (data[record.sequence] as number | string);
  const origin = { source: event.source, id: event.id, ...(sequence !== undefined ? { sequence } : {}), ...(event.time ? { time: event.time } : {}) };
  return { ok: true, changes, events: changesToEvents(changes, origin) };
}

export function createSourceMapper(def: DataProductDef, validators: EventValidators): SourceMapper {
  return (input) => {
    const verdict = validators.validateEvent(input);
    if (!verdict.ok) return verdict;
    if (verdict.kind === 'canonical') return { ok: true, changes: [verdict.change], events: [verdict.event] };

    const mapped = applyRecordMapping(def, verdict.record, verdict.event);
    if (!mapped.ok) return mapped;
    const { record } = verdict;
    const { changes, events } = mapped;
    const reasons = events.flatMap((e) => {
      const v = validators.validateEvent(e);
      return v.ok ? [] : v.reasons.map((r) => `mapping of ${record.type} produced an invalid ${e.type} for ${e.subject}: ${r}`);
    });
    return reasons.length ? { ok: false, reasons } : { ok: true, changes, events };
  };
}
