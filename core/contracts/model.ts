// The resolved contract model: plain JSON data (no functions) that every compiler reads and that
// a build writes to `contract.json`, so `contracts check` can compare two builds.
import type { FieldSpec } from './fields';
import type { Cardinality } from './dsl';

export interface FieldModel extends FieldSpec {
  name: string;
  /** Resolved owner: the field's own, else its node type's. */
  owner: string;
}

export interface EdgeModel {
  name: string;
  from: string;
  to: string;
  cardinality: Cardinality;
  /** The same relation seen from `to`. */
  inverse: string;
  /** The cardinality of `inverse` (a 'many' inverse can spill to edge buckets). */
  inverseCardinality: Cardinality;
  owner: string;
  /** Counted in search facets by neighbour id (a 'one' end only). */
  facet?: boolean;
  /** The node type whose contract declares the pair (the other end is implied). */
  declaredOn: string;
  description?: string;
}

export interface DenormalizedModel {
  name: string;
  /** Edge names walked from the node. */
  via: string[];
  /** The node type at the end of the path. */
  target: string;
  /** Whether the path can reach more than one node (a list of neighbours, `nested` in search). */
  many: boolean;
  /** Carried fields, as declared on `target`. */
  fields: Record<string, FieldModel>;
  description?: string;
}

export interface NodeModel {
  name: string;
  plural: string;
  key: string;
  owner: string;
  description?: string;
  fields: Record<string, FieldModel>;
  edges: Record<string, EdgeModel>;
  denormalized: Record<string, DenormalizedModel>;
}

export interface RecordModel {
  /** CloudEvents type, e.g. `crm.customer.row`. */
  type: string;
  source: string;
  description?: string;
  fields: Record<string, FieldModel>;
  sequence?: string;
}

export interface SourceModel {
  name: string;
  description?: string;
  records: Record<string, RecordModel>;
}

export interface ContractModel {
  name: string;
  description?: string;
  types: Record<string, NodeModel>;
  sources: Record<string, SourceModel>;
}

export type ContractProblemCode =
  | 'invalid-name'
  | 'reserved-name'
  | 'duplicate-name'
  | 'unknown-edge-target'
  | 'inverse-mismatch'
  | 'unknown-source'
  | 'unknown-field'
  | 'unknown-edge'
  | 'path-too-deep'
  | 'empty-path'
  | 'pii-facet'
  | 'invalid-enum'
  | 'invalid-sequence'
  | 'invalid-flag';

/** One thing wrong with a contract, located by a dotted path such as `Customer.accounts`. */
export interface ContractProblem {
  code: ContractProblemCode;
  at: string;
  message: string;
}

export const MAX_PATH_HOPS = 3;

/** The source-native record type named `type`, whichever source declares it. */
export function recordModelOf(model: ContractModel, type: string): RecordModel | undefined {
  for (const src of Object.values(model.sources)) {
    const rec = src.records[type];
    if (rec) return rec;
  }
  return undefined;
}
