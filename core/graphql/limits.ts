// Query limits, checked before anything runs: depth, aliases and total cost. A list costs what
// it may return (`first`, or the number of `ids`; a relation its typical size) times its
// selection, so one request cannot ask the store for millions of documents.
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Largest `first` (and ids per request); also the cap of any one list's cost multiplier. */
  maxFirst: number;
  /** What a relation list (Customer.accounts) is assumed to hold. */
  relationListCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxCost: 20_000, maxFirst: 100, relationListCost: 20 };

export function limitError(limit: string, max: number, actual: number, what: string): GraphQLError {
  return new GraphQLError(`the query ${what} ${actual}, over the limit of ${max} (${limit})`, { extensions: { code: 'QUERY_LIMIT', limit, max, actual } });
}

/** Depth and aliases: they do not depend on variables, so they are checked once per document. */
export function checkShape(document: DocumentNode, limits: QueryLimits): GraphQLError | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let aliases = 0;
  // Inside introspection (`__schema`, `__type`), `ofType` only unwraps a type's list and non-null
  // wrappers (one object, no list), so it does not count: GraphiQL's and codegen's schema query
  // nests it seven deep.
  const depthOf = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>, introspection: boolean): number => {
    if (!set) return 0;
    let max = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.alias) aliases++;
        const name = s.name.value;
        const inside = introspection || name === '__schema' || name === '__type';
        max = Math.max(max, (inside && name === 'ofType' ? 0 : 1) + depthOf(s.selectionSet, seen, inside));
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(s.selectionSet, seen, introspection));
      } else if (!seen.has(s.name.value)) {
        max = Math.max(max, depthOf(fragments.get(s.name.value)?.selectionSet, new Set([...seen, s.name.value]), introspection));
      }
    }
    return max;
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const depth = depthOf(d.selectionSet, new Set(), false);
    if (depth > limits.maxDepth) return limitError('depth', limits.maxDepth, depth, 'nests fields');
  }
  if (aliases > limits.maxAliases) return limitError('aliases', limits.maxAliases, aliases, 'uses aliases');
  return undefined;
}

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.LIST) return node.values;
  return undefined;
}

/** The cost of running `operation` with `variables`, and the largest page (`first`) it asks for. */
export function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): { cost: number; largestFirst: number; usesVariables: boolean } {
  let largestFirst = 0;
  let usesVariables = false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const multiplier = (value: unknown): number =>
    Math.min(limits.maxFirst, Math.max(0, typeof value === 'number' ? value : Array.isArray(value) ? value.length : 1));
  const costOfSet = (set: SelectionSetNode | undefined, parent: GraphQLCompositeType | undefined, seen: ReadonlySet<string>): number => {
    if (!set || !parent) return 0;
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[s.name.value] : undefined;
        if (!def) {
          total += 1;
          continue;
        }
        const named = getNamedType(def.type);
        const child = isCompositeType(named) ? named : undefined;
        const firstArg = s.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'ids');
        const declared = def.args.find((a) => a.name === 'first');
        let times = 1;
        if (firstArg) {
          if (firstArg.value.kind === Kind.VARIABLE) usesVariables = true;
          // A variable left out takes the argument's default (first: Int = 20).
          const value = argValue(firstArg.value, variables) ?? (firstArg.name.value === 'first' ? declared?.defaultValue : undefined);
          if (firstArg.name.value === 'first' && typeof value === 'number') largestFirst = Math.max(largestFirst, value);
          times = multiplier(value);
        } else if (declared) times = multiplier(declared.defaultValue);
        else if (isListType(getNullableType(def.type)) && child && isObjectType(child) && child.getInterfaces().some((i) => i.name === 'Node'))
          times = Math.min(limits.maxFirst, limits.relationListCost);
        total += 1 + times * costOfSet(s.selectionSet, child, seen);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const cond = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        total += costOfSet(s.selectionSet, cond && isCompositeType(cond) ? cond : parent, seen);
      } else if (!seen.has(s.name.value)) {
        const frag = fragments.get(s.name.value);
        const cond = frag ? schema.getType(frag.typeCondition.name.value) : undefined;
        total += costOfSet(frag?.selectionSet, cond && isCompositeType(cond) ? cond : undefined, new Set([...seen, s.name.value]));
      }
    }
    return total;
  };
  return { cost: costOfSet(operation.selectionSet, schema.getQueryType() ?? undefined, new Set()), largestFirst, usesVariables };
}
