// The contract language: node types, edges, denormalized paths, sources and the data product.
// Every builder returns its argument, typed as precisely as TypeScript can keep it, so that
// contracts read as plain data and the inferred types stay exact.
import type { FieldMap, InferFieldValues, InferRecord } from './fields';
import type { CanonicalChange } from './changes';

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
  description?: string;
}

export interface CarryDecl {
  /** Edge names walked from this node, at most 3 hops. */
  via: readonly string[];
  /** Fields of the node at the end of the path; defaults to that type's summary fields. */
  fields?: readonly string[];
  description?: string;
}

export interface NodeDef<
  Name extends string = string,
  FS extends FieldMap = FieldMap,
  Key extends string = string,
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
  edges?: Record<string, EdgeDecl>;
  /** Fields of nodes up to 3 hops away that this node's projection carries. */
  denormalized?: Record<string, CarryDecl>;
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
  /** Optional generator of realistic demo records for this product (see core/demo). */
  demo?: unknown;
}

export function node<const Name extends string, FS extends FieldMap, const Key extends string = 'id'>(
  def: NodeDef<Name, FS, Key>,
): NodeDef<Name, FS, Key> {
  return def;
}

export function edge<const To extends string>(decl: EdgeDecl<To>): EdgeDecl<To> {
  return decl;
}

/** A denormalized path: `carry(['accounts', 'lines', 'plan'], ['name'])`. */
export function carry(via: readonly string[], fields?: readonly string[], description?: string): CarryDecl {
  return { via, ...(fields ? { fields } : {}), ...(description ? { description } : {}) };
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

type KeyOf<N> = N extends NodeDef<string, FieldMap, infer K> ? K : 'id';

/** A node's own field values as actor state and projections hold them, with its key. */
export type InferNode<N extends NodeDef> = { [K in KeyOf<N>]: string } & InferFieldValues<N['fields']>;

/** The node type named `Name` in a data product. */
export type NodeOf<P extends DataProductDef, Name extends string> = Extract<P['types'][number], { name: Name }>;

/** Names of the node types of a data product. */
export type NodeNames<P extends DataProductDef> = P['types'][number]['name'];
