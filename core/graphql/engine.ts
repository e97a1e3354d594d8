// Runs GraphQL requests with a prepared-document cache: a query text (or, with inline literals,
// its shape) is parsed, validated, limit-checked and compiled once; later requests only coerce
// variables and execute. Two executors give the same answers: graphql-js (`standard`) and
// graphql-jit (`jit`, the default: compiled resolvers, ~2x the throughput).
import {
  GraphQLError,
  Kind,
  execute,
  getNamedType,
  getOperationAST,
  isInputObjectType,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { RecentCache } from '../recent-cache';
import { checkShape, costOf, limitError, type QueryLimits } from './limits';
import { hoistLiterals, literalShape, literalVariables, type Hoisted } from './literals';
import type { MeshContext } from './context';

export type ExecutorKind = 'jit' | 'standard';

export interface GraphQLParams {
  query: string;
  operationName?: string | undefined;
  variables?: Record<string, unknown> | undefined;
}

/** Why a request did not run: its request errors (the HTTP layer picks the status). */
export interface Refusal {
  errors: readonly GraphQLError[];
}

interface Prepared {
  document: DocumentNode;
  hoisted?: Pick<Hoisted, 'variables' | 'fixed'>;
  shapeError?: GraphQLError;
  compiled: Map<string, CompiledQuery | ExecutionResult>;
  /** Cost per operation name, when it does not depend on the variables. */
  costs: Map<string, { cost: number; largestFirst: number }>;
  /**
   * A variable of a recursive input type (CustomerFilter has `and: [CustomerFilter!]`): graphql-jit
   * 0.8 recurses forever compiling its coercion (its issue #81), so such documents run on graphql-js.
   */
  standardOnly: boolean;
}

export interface EngineOptions {
  executor: ExecutorKind;
  limits: QueryLimits & { maxQueryBytes: number };
  cacheSize?: number;
}

export interface Operation {
  prepared: Prepared;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
}

export class GraphQLEngine {
  private readonly byText: RecentCache<string, { prepared: Prepared; variables: Record<string, unknown> }>;
  private readonly byShape: RecentCache<string, Prepared>;
  private readonly recursiveInputs: ReadonlySet<string>;

  constructor(
    readonly schema: GraphQLSchema,
    private readonly options: EngineOptions,
  ) {
    this.byText = new RecentCache(options.cacheSize ?? 2000);
    this.byShape = new RecentCache(options.cacheSize ?? 2000);
    this.recursiveInputs = recursiveInputTypes(schema);
  }

  /** Parses (or finds) the document and picks the operation; errors here are request errors. */
  operation(params: GraphQLParams): Operation | Refusal {
    const { limits } = this.options;
    const bytes = Buffer.byteLength(params.query);
    if (bytes > limits.maxQueryBytes) return { errors: [limitError('queryBytes', limits.maxQueryBytes, bytes, 'is bytes long:')] };
    const found = this.prepared(params.query);
    if ('errors' in found) return found;
    const { prepared } = found;
    if (prepared.shapeError) return { errors: [prepared.shapeError] };
    const operation = pickOperation(prepared.document, params.operationName);
    if (operation instanceof GraphQLError) return { errors: [operation] };
    const variables = Object.keys(found.variables).length > 0 ? { ...params.variables, ...found.variables } : (params.variables ?? {});
    const costKey = operation.name?.value ?? '';
    let costs = prepared.costs.get(costKey);
    if (!costs) {
      const measured = costOf(this.schema, prepared.document, operation, variables, limits);
      costs = { cost: measured.cost, largestFirst: measured.largestFirst };
      if (!measured.usesVariables) prepared.costs.set(costKey, costs);
    }
    const { cost, largestFirst } = costs;
    if (largestFirst > limits.maxFirst) return { errors: [limitError('maxFirst', limits.maxFirst, largestFirst, 'asks for a page (first) of')] };
    if (cost > limits.maxCost) return { errors: [limitError('cost', limits.maxCost, cost, 'costs')] };
    return { prepared, operation, variables };
  }

  async execute(op: Operation, context: MeshContext): Promise<ExecutionResult> {
    const { prepared, operation, variables } = op;
    const operationName = operation.name?.value;
    if (this.options.executor === 'standard' || prepared.standardOnly) {
      return execute({ schema: this.schema, document: prepared.document, operationName, variableValues: variables, contextValue: context });
    }
    const key = operationName ?? '';
    let compiled = prepared.compiled.get(key);
    if (!compiled) {
      compiled = compileQuery(this.schema, prepared.document, operationName, { disablingCapturingStackErrors: true });
      prepared.compiled.set(key, compiled);
    }
    if (!isCompiledQuery(compiled)) return compiled;
    return compiled.query(undefined, context, variables);
  }

  private prepared(query: string): { prepared: Prepared; variables: Record<string, unknown> } | Refusal {
    const exact = this.byText.get(query);
    if (exact) return exact;
    const shape = literalShape(query);
    if (shape) {
      const prepared = this.byShape.get(shape.key);
      const variables = prepared?.hoisted ? literalVariables(prepared.hoisted, shape) : undefined;
      // Not remembered by text: with inline literals every text differs, and would evict the rest.
      if (prepared && variables) return { prepared, variables };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      return { errors: [err instanceof GraphQLError ? err : new GraphQLError(String(err))] };
    }
    const errors = validate(this.schema, document);
    if (errors.length > 0) return { errors };
    const shapeError = checkShape(document, this.options.limits);
    const standardOnly = this.hasRecursiveVariable(document);
    let prepared: Prepared = { document, compiled: new Map(), costs: new Map(), standardOnly, ...(shapeError ? { shapeError } : {}) };
    let variables: Record<string, unknown> = {};
    if (shape && !shapeError) {
      const hoisted = hoistLiterals(this.schema, document, shape);
      const literal = literalVariables(hoisted, shape);
      if (hoisted.variables.length > 0 && literal && validate(this.schema, hoisted.document).length === 0) {
        prepared = {
          document: hoisted.document,
          hoisted: { variables: hoisted.variables, fixed: hoisted.fixed },
          compiled: new Map(),
          costs: new Map(),
          standardOnly,
        };
        variables = literal;
      } else {
        prepared.hoisted = { variables: [], fixed: hoisted.fixed };
      }
      this.byShape.set(shape.key, prepared);
    }
    const entry = { prepared, variables };
    this.byText.set(query, entry);
    return entry;
  }

  private hasRecursiveVariable(document: DocumentNode): boolean {
    for (const d of document.definitions) {
      if (d.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const v of d.variableDefinitions ?? []) {
        let t = v.type;
        while (t.kind !== Kind.NAMED_TYPE) t = t.type;
        if (this.recursiveInputs.has(t.name.value)) return true;
      }
    }
    return false;
  }
}

/** The operation to run, with graphql-js's own messages when there is none to pick. */
function pickOperation(document: DocumentNode, name: string | undefined): OperationDefinitionNode | GraphQLError {
  const operation = getOperationAST(document, name);
  if (operation) return operation;
  const count = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  if (count === 0) return new GraphQLError('Must provide an operation.');
  if (name === undefined) return new GraphQLError('Must provide operation name if query contains multiple operations.');
  return new GraphQLError(`Unknown operation named "${name}".`);
}

/** Input object types that can contain themselves, directly or through other input types. */
export function recursiveInputTypes(schema: GraphQLSchema): ReadonlySet<string> {
  const out = new Set<string>();
  const reaches = (from: GraphQLInputObjectType, target: string, seen: Set<string>): boolean => {
    for (const field of Object.values(from.getFields())) {
      const named = getNamedType(field.type);
      if (!isInputObjectType(named)) continue;
      if (named.name === target) return true;
      if (seen.has(named.name)) continue;
      seen.add(named.name);
      if (reaches(named, target, seen)) return true;
    }
    return false;
  };
  for (const type of Object.values(schema.getTypeMap())) if (isInputObjectType(type) && reaches(type, type.name, new Set())) out.add(type.name);
  return out;
}
