// The contract language: node types, edges, denormalized paths, sources and the data product.
// Every builder returns its argument, typed as precisely as TypeScript can keep it, so that
// contracts read as plain data and the inferred types stay exact.
import type { FieldMap, FieldValue, InferFieldValues, InferRecord } from './fields';
import type { DemoScenario } from './demo';

/** What a source mapping turns a source-native record into (helpers: `change` in changes.ts). */
export type CanonicalChange =
  | { op: 'upsert'; type: string; id: string; fields: Record<string, FieldValue> }
  | { op: 'delete'; type: string; id: string }
  | { op: 'link' | 'unlink'; type: string; id: string; rel: string; toType: string; toId: string };

export type Cardinality = 'one' | 'many';

export interface EdgeDecl<To extends string = string> {
  /** Node type at the other end. */
  to: To;
  cardinality: Cardinality;
  /** Name of the same relation seen from the other end (declared there by this declaration). */
  inverse: string;
  inverseCardinality: Cardinality;
  /** Source that links and unlinks the two ends: the one that owns the child record. */
  owner: string;
  /**
   * Count this end's nodes per neighbour id in search facets (`searchLines { facets }` by `plan`).
   * Only a 'one' end: a 'many' end past MAX_INLINE_EDGES keeps its ids in edge buckets, not in
   * its search document.
   */
  facet?: boolean;
  /** The same for the inverse end. */
  inverseFacet?: boolean;
  description?: string;
}

export interface CarryDecl<V extends readonly string[] = readonly string[], F extends readonly string[] = readonly string[]> {
  /** Edge names walked from this node, at most 3 hops. */
  via: V;
  /** Fields of the node at the end of the path; defaults to that type's summary fields. */
  fields?: F;
  /**
   * Carried fields to count in this node's search facets (a carried field whose own field is a
   * facet is one already): count Lines by their plan's name.
   */
  facets?: readonly string[];
  description?: string;
}

/** Options of a denormalized path (the third argument of `carry`). */
export interface CarryOptions {
  description?: string;
  /** Carried fields to count in search facets (see CarryDecl.facets). */
  facets?: readonly string[];
}

export interface NodeDef<
  Name extends string = string,
  FS extends FieldMap = FieldMap,
  Key extends string = string,
  ES extends Record<string, EdgeDecl> = Record<string, EdgeDecl>,
  DS extends Record<string, CarryDecl> = Record<string, CarryDecl>,
> {
  name: Name;
  /** Source that owns the node's fields unless a field names another. */
  owner: string;
  /** Name of the key field (an ID); defaults to `id`. */
  key?: Key;
  /** Plural used by the query API (`customers`, `searchCustomers`); derived when absent. */
  plural?: string;
  description?: string;
  fields: FS;
  edges?: ES;
  /** Fields of nodes up to 3 hops away that this node's projection carries. */
  denormalized?: DS;
}

export interface RecordDef<FS extends FieldMap = FieldMap> {
  description?: string;
  /** The source's own field names and types. */
  fields: FS;
  /** The record field holding the source's version of the record (integer or decimal string). */
  sequence?: keyof FS & string;
  /** How one record becomes canonical changes. */
  map: (record: InferRecord<FS>) => CanonicalChange[];
}

export interface SourceDef {
  description?: string;
  /** Record types by their CloudEvents type name, e.g. `crm.customer.row`. */
  records: Record<string, RecordDef>;
}

export interface DataProductDef {
  name: string;
  description?: string;
  types: readonly NodeDef[];
  sources: Record<string, SourceDef>;
  /** Optional generator of realistic demo records for this product (see core/contracts/demo.ts). */
  demo?: DemoScenario;
}

export function node<
  const Name extends string,
  FS extends FieldMap,
  const Key extends string = 'id',
  const ES extends Record<string, EdgeDecl> = {},
  const DS extends Record<string, CarryDecl> = {},
>(def: NodeDef<Name, FS, Key, ES, DS>): NodeDef<Name, FS, Key, ES, DS> {
  return def;
}

/** An edge and its inverse; literal types are kept so projections can be typed from them. */
export function edge<const D extends EdgeDecl>(decl: D): D {
  return decl;
}

/**
 * A denormalized path: `carry(['accounts', 'lines', 'plan'], ['name'])`; the third argument is
 * its description, or options (`{ description, facets: ['name'] }`).
 */
export function carry<const V extends readonly string[], const F extends readonly string[] = readonly string[]>(
  via: V,
  fields?: F,
  options?: string | CarryOptions,
): CarryDecl<V, F> {
  const { description, facets } = typeof options === 'string' ? { description: options, facets: undefined } : (options ?? {});
  return { via, ...(fields ? { fields } : {}), ...(facets && facets.length > 0 ? { facets } : {}), ...(description ? { description } : {}) };
}

export function record<FS extends FieldMap>(def: RecordDef<FS>): RecordDef {
  // The map function is checked against FS here; the product only needs the erased shape.
  return def as unknown as RecordDef;
}

export function source(def: SourceDef): SourceDef {
  return def;
}

export function dataProduct<const P extends DataProductDef>(def: P): P {
  return def;
}

type KeyOf<N> = N extends NodeDef<string, FieldMap, infer K, Record<string, EdgeDecl>, Record<string, CarryDecl>> ? K : 'id';

/** A node's own field values as actor state and projections hold them, with its key. */
export type InferNode<N extends NodeDef> = { [K in KeyOf<N>]: string } & InferFieldValues<N['fields']>;

/** The node type named `Name` in a data product. */
export type NodeOf<P extends DataProductDef, Name extends string> = Extract<P['types'][number], { name: Name }>;

/** Names of the node types of a data product. */
export type NodeNames<P extends DataProductDef> = P['types'][number]['name'];
