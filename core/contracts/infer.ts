// Types of actor state and projection documents, inferred from a data product's declarations:
// edges from both their declaring end and the implied inverse end, denormalized neighbours by
// walking the declared path through those edges. No generated .ts file is needed.
import type { CarryDecl, DataProductDef, EdgeDecl, InferNode, NodeDef, NodeOf } from './dsl';
import type { FieldValue, ValueOf } from './fields';

type EdgesOf<N> = N extends { edges?: infer E } ? (E extends Record<string, EdgeDecl> ? E : {}) : {};
type PathsOf<N> = N extends { denormalized?: infer D } ? (D extends Record<string, CarryDecl> ? D : {}) : {};
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

interface EdgeEnd {
  to: string;
  cardinality: 'one' | 'many';
}

type Declared<N> = { [K in keyof EdgesOf<N>]: EdgesOf<N>[K] extends { to: infer T; cardinality: infer C } ? { to: T; cardinality: C } : never };

/** The ends that node type O's declarations imply on `Name` (the inverses of its edges to Name). */
type ImpliedBy<O, Name extends string> = O extends NodeDef
  ? {
      [K in keyof EdgesOf<O> as EdgesOf<O>[K] extends { to: Name; inverse: infer I extends string } ? I : never]: {
        to: O['name'];
        cardinality: EdgesOf<O>[K]['inverseCardinality'];
      };
    }
  : never;

/** Every edge of node type `Name`: declared there or implied by another type's declaration. */
export type EdgeEnds<P extends DataProductDef, Name extends string> = Declared<NodeOf<P, Name>> & UnionToIntersection<ImpliedBy<P['types'][number], Name>>;

type Ids<C> = C extends 'many' ? string[] : string | null;

/** Neighbour ids per edge: a list for `many`, one id (or null) for `one`. */
export type InferEdges<P extends DataProductDef, Name extends string> = {
  [K in keyof EdgeEnds<P, Name>]: EdgeEnds<P, Name>[K] extends EdgeEnd ? Ids<EdgeEnds<P, Name>[K]['cardinality']> : never;
};

type Hop<P extends DataProductDef, From extends string, Rel> = Rel extends keyof EdgeEnds<P, From>
  ? EdgeEnds<P, From>[Rel] extends EdgeEnd
    ? EdgeEnds<P, From>[Rel]
    : never
  : never;

/** Where a path ends, and whether it can reach many nodes. */
type Walk<P extends DataProductDef, From extends string, Via, Many extends boolean = false> = Via extends readonly [infer H, ...infer Rest]
  ? Walk<P, Hop<P, From, H>['to'], Rest, Hop<P, From, H>['cardinality'] extends 'many' ? true : Many>
  : { target: From; many: Many };

type Carried<P extends DataProductDef, Target extends string, F> = { id: string } & (F extends readonly (infer Name extends string)[]
  ? string extends Name
    ? Record<string, FieldValue>
    : { [K in Name]?: K extends keyof NodeOf<P, Target>['fields'] ? ValueOf<NodeOf<P, Target>['fields'][K]> | null : never }
  : Record<string, FieldValue>);

type CarriedOf<P extends DataProductDef, Name extends string, D> =
  D extends CarryDecl<infer V, infer F>
    ? Walk<P, Name, V> extends { target: infer T extends string; many: infer M }
      ? M extends true
        ? Carried<P, T, F>[]
        : Carried<P, T, F> | null
      : never
    : never;

/** The denormalized neighbours a node's projection carries. */
export type InferCarried<P extends DataProductDef, Name extends string> = {
  [K in keyof PathsOf<NodeOf<P, Name>>]: CarriedOf<P, Name, PathsOf<NodeOf<P, Name>>[K]>;
};

/** Actor state of a node: its fields (with its key) and its neighbours' ids per edge. */
export interface InferState<P extends DataProductDef, Name extends string> {
  fields: InferNode<NodeOf<P, Name>>;
  edges: InferEdges<P, Name>;
}

/** A projection document: key, fields, neighbour ids per edge, denormalized neighbours. */
export type InferProjection<P extends DataProductDef, Name extends string> = InferNode<NodeOf<P, Name>> & InferEdges<P, Name> & InferCarried<P, Name>;
