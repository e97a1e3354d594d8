// Compiled validators (ajv, draft 2020-12) for every schema of a build, and the one function
// ingestion calls per event: envelope, then the schema for its type, then ownership.
// Rejections are values with reasons that name the field; nothing here throws for bad input.
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CANONICAL_EVENT_TYPES, eventToChange, parseSubject } from './changes';
import type { CloudEvent } from './changes';
import type { CanonicalChange } from './dsl';
import { recordModelOf } from './model';
import type { ContractModel, RecordModel } from './model';
import { schemaNames } from './jsonschema';
import type { JsonSchema } from './jsonschema';
import { ownershipProblems } from './ownership';

export type EventVerdict =
  | { ok: true; kind: 'canonical'; event: CloudEvent; change: CanonicalChange }
  | { ok: true; kind: 'record'; event: CloudEvent; record: RecordModel }
  | { ok: false; reasons: string[] };

export interface EventValidators {
  /** Validator per schema name (see `schemaNames`). */
  bySchema: Record<string, ValidateFunction>;
  /** Checks any incoming event: canonical or source-native. */
  validateEvent(event: unknown): EventVerdict;
}

function describeError(e: ErrorObject): string {
  const at = e.instancePath === '' ? 'event' : e.instancePath.slice(1).replaceAll('/', '.');
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${at}: unknown field "${String(params['additionalProperty'])}"`;
  if (e.keyword === 'enum') return `${at}: must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'type') return `${at}: must be ${String(params['type']).split(',').join(' or ')}`;
  if (e.keyword === 'required') return `${at}: missing "${String(params['missingProperty'])}"`;
  return `${at}: ${e.message ?? e.keyword}`;
}

/** Reasons from a failed validation; `if`/`oneOf` wrappers are dropped for the errors they wrap. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const useful = (errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'oneOf' && e.keyword !== 'false schema');
  const forbidden = (errors ?? []).filter((e) => e.keyword === 'false schema').map((e) => `${e.instancePath.slice(1) || 'event'}: not allowed here`);
  return [...new Set([...useful.map(describeError), ...forbidden])];
}

function check(validate: ValidateFunction | undefined, value: unknown): string[] {
  if (!validate) return ['no schema for this event'];
  return validate(value) ? [] : describeErrors(validate.errors);
}

function canonicalSchemaName(event: CloudEvent, model: ContractModel): string | { reason: string } {
  const subject = typeof event.subject === 'string' ? parseSubject(event.subject) : undefined;
  if (!subject) return { reason: `subject: must be "<Type>/<id>", got ${JSON.stringify(event.subject)}` };
  if (!model.types[subject.type]) return { reason: `subject: unknown node type ${subject.type} (known: ${Object.keys(model.types).join(', ')})` };
  if (event.type === CANONICAL_EVENT_TYPES.upsert) return schemaNames.upsert(subject.type);
  if (event.type === CANONICAL_EVENT_TYPES.delete) return schemaNames.delete;
  if (Object.keys(model.types[subject.type]?.edges ?? {}).length === 0)
    return { reason: `${subject.type} has no edges to ${event.type === CANONICAL_EVENT_TYPES.link ? 'link' : 'unlink'}` };
  return schemaNames.edge(subject.type);
}

export function compileValidators(model: ContractModel, schemas: Record<string, JsonSchema>): EventValidators {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  const bySchema: Record<string, ValidateFunction> = {};
  for (const [name, schema] of Object.entries(schemas)) bySchema[name] = ajv.compile(schema);
  const canonicalTypes: string[] = Object.values(CANONICAL_EVENT_TYPES);

  function validateEvent(input: unknown): EventVerdict {
    const envelopeReasons = check(bySchema[schemaNames.envelope], input);
    if (envelopeReasons.length) return { ok: false, reasons: envelopeReasons };
    const event = input as CloudEvent;
    if (canonicalTypes.includes(event.type)) {
      const name = canonicalSchemaName(event, model);
      if (typeof name !== 'string') return { ok: false, reasons: [name.reason] };
      const reasons = check(bySchema[name], event);
      const change = reasons.length ? undefined : eventToChange(event);
      if (!change) return { ok: false, reasons: reasons.length ? reasons : ['not a well-formed canonical event'] };
      const denied = ownershipProblems(model, event.source, change);
      return denied.length ? { ok: false, reasons: denied } : { ok: true, kind: 'canonical', event, change };
    }
    const record = recordModelOf(model, event.type);
    if (!record)
      return {
        ok: false,
        reasons: [`type: unknown event type ${event.type} (canonical: ${canonicalTypes.join(', ')}; or a source record type of the contracts)`],
      };
    if (event.source !== record.source)
      return { ok: false, reasons: [`source: record type ${record.type} belongs to source ${record.source}, not ${event.source}`] };
    const reasons = check(bySchema[schemaNames.record(record.type)], event);
    return reasons.length ? { ok: false, reasons } : { ok: true, kind: 'record', event, record };
  }

  return { bySchema, validateEvent };
}
