// JSON Schemas (draft 2020-12) for every event the mesh accepts: canonical upserts per node type,
// deletes, links per node type, and every source-native record type. Each schema is self-contained
// (the CloudEvents envelope is inlined) so any tool can use one file alone.
import { CANONICAL_EVENT_TYPES } from './changes';
import type { ContractModel, FieldModel, NodeModel, RecordModel } from './model';

export type JsonSchema = Record<string, unknown>;

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const SCHEMA_BASE = 'https://meshgraph.dev/schemas/';

/** ISO 8601 date-time with a zone; a pattern rather than `format` so no format plugin is needed. */
export const DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const DECIMAL_STRING_PATTERN = '^(0|[1-9][0-9]*)$';

/** Names of the schema files (without `.json`) of a build. */
export const schemaNames = {
  envelope: 'cloudevent',
  upsert: (type: string) => `${CANONICAL_EVENT_TYPES.upsert}.${type}`,
  delete: CANONICAL_EVENT_TYPES.delete,
  edge: (type: string) => `meshgraph.edge.${type}`,
  record: (recordType: string) => recordType,
};

const ENVELOPE_PROPERTIES: JsonSchema = {
  specversion: { const: '1.0' },
  id: { type: 'string', minLength: 1 },
  source: { type: 'string', minLength: 1 },
  type: { type: 'string', minLength: 1 },
  subject: { type: 'string', minLength: 1 },
  time: { type: 'string', pattern: DATE_TIME_PATTERN },
  sequence: {
    description: "The source's version of the record: an integer or a decimal string, compared numerically.",
    // `minimum` applies to numbers only and `pattern` to strings only: one reason per failure.
    type: ['integer', 'string'],
    minimum: 0,
    pattern: DECIMAL_STRING_PATTERN,
  },
  datacontenttype: { type: 'string' },
};
const ENVELOPE_REQUIRED = ['specversion', 'id', 'source', 'type'];

function eventSchema(name: string, title: string, properties: JsonSchema, required: string[] = [], extra: JsonSchema = {}): JsonSchema {
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE}${name}.json`,
    title,
    type: 'object',
    required: [...ENVELOPE_REQUIRED, ...required],
    properties: { ...ENVELOPE_PROPERTIES, ...properties },
    ...extra,
  };
}

/** A node's int is GraphQL's Int (32 bits): a larger one would be stored, then fail every query. */
const GRAPHQL_INT = { minimum: -2147483648, maximum: 2147483647 };

function scalarSchema(f: FieldModel, node: boolean): JsonSchema {
  switch (f.kind) {
    case 'int':
      // A source record's int (a row version, an LSN) may be any integer.
      return { type: 'integer', ...(node ? GRAPHQL_INT : {}) };
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'datetime':
      return { type: 'string', pattern: DATE_TIME_PATTERN };
    case 'enum':
      return { type: 'string', enum: [...(f.values ?? [])] };
    default:
      return { type: 'string' };
  }
}

/** A field's value; optional values may also be null (which clears the field). */
export function fieldSchema(f: FieldModel, node = true): JsonSchema {
  const value = f.list ? { type: 'array', items: scalarSchema(f, node) } : scalarSchema(f, node);
  const description = f.description ? { description: f.description } : {};
  if (f.required) return { ...value, ...description };
  const nullable = value['enum'] ? { enum: [...(value['enum'] as string[]), null] } : {};
  return { ...value, ...nullable, type: [value['type'], 'null'], ...description };
}

function objectOf(fields: Record<string, FieldModel>, additionalProperties: boolean, node: boolean): JsonSchema {
  const properties: JsonSchema = {};
  for (const f of Object.values(fields)) properties[f.name] = fieldSchema(f, node);
  const required = Object.values(fields)
    .filter((f) => f.required)
    .map((f) => f.name);
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties };
}

const subjectOfType = (types: string[]): JsonSchema => ({ type: 'string', pattern: `^(${types.join('|')})/.+$` });

function upsertSchema(node: NodeModel): JsonSchema {
  return eventSchema(
    schemaNames.upsert(node.name),
    `Upsert of a ${node.name}: the fields to set (unknown fields are rejected)`,
    {
      type: { const: CANONICAL_EVENT_TYPES.upsert },
      subject: subjectOfType([node.name]),
      data: objectOf(node.fields, false, true),
    },
    ['subject', 'data'],
  );
}

function deleteSchema(model: ContractModel): JsonSchema {
  return eventSchema(
    schemaNames.delete,
    'Delete of a node',
    { type: { const: CANONICAL_EVENT_TYPES.delete }, subject: subjectOfType(Object.keys(model.types)), data: false },
    ['subject'],
  );
}

function edgeSchema(node: NodeModel): JsonSchema {
  const edges = Object.values(node.edges);
  const targetPerRel = edges.map((e) => ({
    if: { properties: { rel: { const: e.name } } },
    then: { properties: { to: subjectOfType([e.to]) } },
  }));
  const data = {
    type: 'object',
    required: ['rel', 'to'],
    additionalProperties: false,
    properties: { rel: { enum: edges.map((e) => e.name) }, to: { type: 'string' } },
    ...(targetPerRel.length ? { allOf: targetPerRel } : {}),
  };
  const types = [CANONICAL_EVENT_TYPES.link, CANONICAL_EVENT_TYPES.unlink];
  return eventSchema(
    schemaNames.edge(node.name),
    `Link or unlink of an edge of a ${node.name}`,
    { type: { enum: types }, subject: subjectOfType([node.name]), data },
    ['subject', 'data'],
  );
}

function recordSchema(rec: RecordModel): JsonSchema {
  // Extra record fields are accepted: a source adding a column must not stop ingestion.
  return eventSchema(
    schemaNames.record(rec.type),
    rec.description ?? `Source-native record ${rec.type} of ${rec.source}`,
    {
      type: { const: rec.type },
      source: { const: rec.source },
      data: objectOf(rec.fields, true, false),
    },
    ['data'],
  );
}

/** Every schema of a build, by file name (without `.json`). */
export function compileJsonSchemas(model: ContractModel): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {
    [schemaNames.envelope]: eventSchema(schemaNames.envelope, 'A CloudEvents 1.0 event as meshgraph accepts it', { data: {} }),
    [schemaNames.delete]: deleteSchema(model),
  };
  for (const node of Object.values(model.types)) {
    schemas[schemaNames.upsert(node.name)] = upsertSchema(node);
    if (Object.keys(node.edges).length) schemas[schemaNames.edge(node.name)] = edgeSchema(node);
  }
  for (const src of Object.values(model.sources)) {
    for (const rec of Object.values(src.records)) schemas[schemaNames.record(rec.type)] = recordSchema(rec);
  }
  return schemas;
}
