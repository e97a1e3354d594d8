// One call from a data product to everything the rest of the mesh reads from it.
import { createHash } from 'node:crypto';
import type { DataProductDef } from './dsl';
import type { ContractModel } from './model';
import { compileElasticsearch } from './elasticsearch';
import type { EsIndexTemplate } from './elasticsearch';
import { compileGraphQL } from './graphql';
import { compileJsonSchemas } from './jsonschema';
import type { JsonSchema } from './jsonschema';
import { createSourceMapper } from './mapping';
import type { SourceMapper } from './mapping';
import { recordsMarkdown } from './records-doc';
import { resolveValidDataProduct } from './validate';
import { compileValidators } from './validators';
import type { EventValidators } from './validators';

export interface CompiledDataProduct {
  product: DataProductDef;
  model: ContractModel;
  /** Hash of the model: changes whenever anything a compiler reads changes. */
  version: string;
  /** Federation v2 subgraph SDL. */
  sdl: string;
  /** Elasticsearch index template per node type name. */
  esMappings: Record<string, EsIndexTemplate>;
  /** JSON Schemas by name (see `schemaNames`). */
  jsonSchemas: Record<string, JsonSchema>;
  /** ajv validators of every schema, and `validateEvent` (envelope, schema, ownership). */
  validators: EventValidators;
  /** Source-native or canonical event -> validated canonical events. */
  mapEvent: SourceMapper;
}

export function contractVersion(model: ContractModel): string {
  return createHash('sha256').update(JSON.stringify(model)).digest('hex').slice(0, 12);
}

/** Validates (throwing ContractValidationError with every problem) and compiles a data product. */
export function compileDataProduct(product: DataProductDef, moduleSpec?: string): CompiledDataProduct {
  const model = resolveValidDataProduct(product, moduleSpec);
  const version = contractVersion(model);
  const jsonSchemas = compileJsonSchemas(model);
  const validators = compileValidators(model, jsonSchemas);
  return {
    product,
    model,
    version,
    sdl: compileGraphQL(model),
    esMappings: compileElasticsearch(model, version),
    jsonSchemas,
    validators,
    mapEvent: createSourceMapper(product, validators),
  };
}

/** The files of `meshgraph contracts build`, by path relative to the output folder. */
export function buildArtifacts(compiled: CompiledDataProduct): Record<string, string> {
  const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
  const files: Record<string, string> = {
    'schema.graphql': compiled.sdl,
    'contract.json': json({ version: compiled.version, model: compiled.model }),
    'records.md': `# Source records of ${compiled.model.name}\n\nThe columns each record reads (a file's header, a table's columns, an event's \`data\`); a file without a required column is refused.\n\n${recordsMarkdown(compiled.model)}`,
  };
  for (const [type, template] of Object.entries(compiled.esMappings)) files[`elasticsearch/${type.toLowerCase()}.json`] = json(template);
  for (const [name, schema] of Object.entries(compiled.jsonSchemas)) files[`jsonschema/${name}.json`] = json(schema);
  return files;
}
