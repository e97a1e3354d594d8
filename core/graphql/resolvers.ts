// Resolvers of the generated schema. A node is resolved from its projection document (its body
// already holds its fields, edge ids and carried neighbour fields), so scalar fields use the
// default resolver; edges batch through the request's loaders; personal data is masked.
// A 'many' relation past MAX_INLINE_EDGES keeps its ids in edge buckets, not in its document
// (`mesh_spilled` names it): it is read from the other end's documents, which name this node.
import { GraphQLError, GraphQLObjectType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { ContractModel, EdgeModel, FieldModel, NodeModel } from '../contracts/model';
import { facetPaths } from '../contracts/graphql';
import {
  DOC_LINKS_FIELD,
  DOC_SPILLED_FIELD,
  GLOBAL_ID_FIELD,
  RELATION_LIST_MAX,
  connectionFieldOf,
  enumValueOfPath,
  globalId,
  keyFieldOf,
  nodeTypeNames,
  parseGlobalId,
  queryFieldNames,
} from '../contracts/naming';
import type { Filter } from '../projection/filter';
import type { ProjectionDoc, SearchPage } from '../projection/port';
import type { MeshContext } from './context';
import { badInput, forbiddenField, keyOfInput, searchInputs, sortKeys } from './inputs';

type Source = Record<string, unknown> & { __typename: string };
type Resolver = GraphQLFieldResolver<unknown, MeshContext, Record<string, any>>;

const sourceOf = (doc: ProjectionDoc | undefined): Source | null => (doc && !doc.deleted ? { ...doc.body, __typename: doc.type } : null);

function load(ctx: MeshContext, type: string, ids: readonly unknown[]): Promise<Array<Source | null>> {
  // loadMany resolves failures as Error values: rethrow, so a store failure is never a silent null.
  return ctx
    .loader(type)
    .loadMany(ids.map((id) => globalId(type, String(id))))
    .then((docs) =>
      docs.map((d) => {
        if (d instanceof Error) throw d;
        return sourceOf(d);
      }),
    );
}

function checkFirst(first: unknown, ctx: MeshContext): number {
  const n = typeof first === 'number' ? first : 20;
  if (n < 0) throw badInput(`first must be 0 or more, got ${n}`);
  if (n > ctx.limits.maxFirst) throw badInput(`first is over the limit of ${ctx.limits.maxFirst}`, { limit: 'maxFirst', max: ctx.limits.maxFirst });
  return n;
}

interface ConnectionSource {
  page: SearchPage;
  type: string;
  request: { text?: string; filter?: Filter };
  facetFields: string[];
}

const both = (a: Filter | undefined, b: Filter | undefined): Filter | undefined => (a && b ? { and: [a, b] } : (a ?? b));

/** The nodes of `edge.to` whose documents say they are linked to `key` through `edge`'s inverse. */
function linkedTo(model: ContractModel, edge: EdgeModel, key: string): Filter {
  const inverse = model.types[edge.to]?.edges[edge.inverse];
  if (!inverse || inverse.cardinality === 'many') return { field: edge.inverse, op: 'eq', value: key };
  return {
    or: [
      { field: edge.inverse, op: 'eq', value: key },
      { field: `${DOC_LINKS_FIELD}.${edge.inverse}`, op: 'eq', value: key },
    ],
  };
}

/** The keys of the nodes at the other end that a document of `edge.to` says it is linked to. */
function linksOf(doc: Source, inverse: EdgeModel): string[] {
  const value = doc[inverse.name];
  const own = Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
  const more = (doc[DOC_LINKS_FIELD] as Record<string, unknown> | undefined)?.[inverse.name];
  return Array.isArray(more) ? [...own, ...more.map(String)] : own;
}

/**
 * A filter on a 'many' relation's ids also finds the nodes whose relation is held in edge
 * buckets: for `children: {eq: "C1"}`, the nodes C1's document names through the inverse.
 */
async function expandRelationFilters(filter: Filter | undefined, node: NodeModel, model: ContractModel, ctx: MeshContext): Promise<Filter | undefined> {
  if (!filter) return filter;
  if ('and' in filter) return { and: await Promise.all(filter.and.map((f) => expandRelationFilters(f, node, model, ctx) as Promise<Filter>)) };
  if ('or' in filter) return { or: await Promise.all(filter.or.map((f) => expandRelationFilters(f, node, model, ctx) as Promise<Filter>)) };
  if ('not' in filter) return { not: (await expandRelationFilters(filter.not, node, model, ctx))! };
  const edge = node.edges[filter.field];
  if (!edge || edge.cardinality !== 'many') return filter;
  if (filter.op === 'exists') {
    const spilled: Filter = { field: DOC_SPILLED_FIELD, op: 'eq', value: edge.name };
    return filter.value ? { or: [filter, spilled] } : { and: [filter, { not: spilled }] };
  }
  if (filter.op !== 'eq' && filter.op !== 'in') return filter;
  const inverse = model.types[edge.to]?.edges[edge.inverse];
  if (!inverse) return filter;
  const ids: unknown[] = filter.op === 'in' ? filter.value : [filter.value];
  const docs = await load(ctx, edge.to, ids);
  const holders = [...new Set(docs.flatMap((d) => (d ? linksOf(d, inverse) : [])))];
  return holders.length === 0 ? filter : { or: [filter, { field: node.key, op: 'in', value: holders }] };
}

/** A search of `node`'s documents; `scope` narrows it (a relation's nodes). */
function searchResolver(node: NodeModel, model: ContractModel, scope?: (src: unknown) => Filter): Resolver {
  const facetFields = facetPaths(node);
  return async (src, args, ctx): Promise<ConnectionSource> => {
    const first = checkFirst(args['first'], ctx);
    const { filter: given, words } = searchInputs(node, args['filter'], ctx.principal);
    const filter = both(scope?.(src), await expandRelationFilters(given, node, model, ctx));
    const text = [args['query'], ...words].filter((t) => typeof t === 'string' && t.trim() !== '').join(' ') || undefined;
    const sort = sortKeys(node, args['sort'], ctx.principal) ?? (scope && !text ? [{ field: node.key, order: 'asc' as const }] : undefined);
    const request = { ...(text ? { text } : {}), ...(filter ? { filter } : {}) };
    const page = await ctx.store.search(node.name, {
      ...request,
      ...(sort ? { sort } : {}),
      first,
      ...(args['after'] ? { after: args['after'] } : {}),
      totalUpTo: ctx.limits.totalUpTo,
    });
    const loader = ctx.loader(node.name);
    for (const hit of page.hits) loader.prime(hit.doc.id, hit.doc);
    return { page, type: node.name, request, facetFields };
  };
}

const CONNECTION: Record<string, Resolver> = {
  totalCount: (src) => (src as ConnectionSource).page.total.value,
  edges: (src) => (src as ConnectionSource).page.hits.map((h) => ({ cursor: h.cursor, node: sourceOf(h.doc) })),
  pageInfo: (src) => ({ hasNextPage: (src as ConnectionSource).page.hasNextPage, endCursor: (src as ConnectionSource).page.endCursor ?? null }),
  facets: async (src, args, ctx) => {
    const { type, request, facetFields } = src as ConnectionSource;
    const asked = args['fields'] as string[] | undefined | null;
    const fields = asked ? facetFields.filter((p) => asked.includes(enumValueOfPath(p))) : facetFields;
    if (fields.length === 0) return [];
    const counts = await ctx.store.facets(type, fields, request);
    return fields.map((field) => ({ field, buckets: (counts[field] ?? []).map((b) => ({ value: String(b.value), count: b.count })) }));
  },
};

function masked(type: string, f: FieldModel): Resolver | undefined {
  const role = f.pii;
  if (role === undefined) return undefined;
  return (src, _args, ctx) => {
    if (!ctx.principal.roles.has(role)) throw forbiddenField(`${type}.${f.name}`, role);
    return (src as Source)[f.name] ?? null;
  };
}

/** Every node of a relation held in edge buckets, read from the other end's documents. */
async function spilledList(ctx: MeshContext, model: ContractModel, edge: EdgeModel, key: string): Promise<Source[]> {
  const target = model.types[edge.to]!;
  const page = await ctx.store.search(edge.to, { filter: linkedTo(model, edge, key), sort: [{ field: target.key, order: 'asc' }], first: RELATION_LIST_MAX });
  if (page.hasNextPage) {
    throw new GraphQLError(
      `${edge.from} ${key} has more than ${RELATION_LIST_MAX} ${edge.name}; page them with ${connectionFieldOf(edge.name)}(first:, after:)`,
      {
        extensions: { code: 'LIST_TOO_LARGE', max: RELATION_LIST_MAX, field: edge.name, paged: connectionFieldOf(edge.name) },
      },
    );
  }
  const loader = ctx.loader(edge.to);
  for (const hit of page.hits) loader.prime(hit.doc.id, hit.doc);
  return page.hits.map((h) => sourceOf(h.doc)).filter((n): n is Source => n !== null);
}

function edgeResolvers(node: NodeModel, model: ContractModel, out: Record<string, Resolver>): void {
  const keyOf = (src: unknown) => String((src as Source)[node.key]);
  for (const e of Object.values(node.edges)) {
    if (e.cardinality === 'one') {
      out[e.name] = async (src, _a, ctx) => {
        const id = (src as Source)[e.name];
        return id === undefined || id === null ? null : (await load(ctx, e.to, [id]))[0];
      };
      continue;
    }
    out[e.name] = async (src, _a, ctx) => {
      const spilled = (src as Source)[DOC_SPILLED_FIELD];
      if (Array.isArray(spilled) && spilled.includes(e.name)) return spilledList(ctx, model, e, keyOf(src));
      const ids = (src as Source)[e.name];
      return Array.isArray(ids) ? (await load(ctx, e.to, ids)).filter((n) => n !== null) : [];
    };
    const target = model.types[e.to];
    if (target) out[connectionFieldOf(e.name)] = searchResolver(target, model, (src) => linkedTo(model, e, keyOf(src)));
  }
}

function nodeResolvers(node: NodeModel, model: ContractModel): Record<string, Resolver> {
  const keyOf = (src: unknown) => String((src as Source)[node.key]);
  const out: Record<string, Resolver> = { [GLOBAL_ID_FIELD]: (src) => globalId(node.name, keyOf(src)), [keyFieldOf(node)]: keyOf };
  for (const f of Object.values(node.fields)) {
    const r = masked(node.name, f);
    if (r) out[f.name] = r;
  }
  edgeResolvers(node, model, out);
  for (const d of Object.values(node.denormalized)) {
    if (!d.many) continue;
    const first = d.via[0]!;
    out[d.name] = (src) => {
      // A relation held in edge buckets keeps no news of its neighbours: what the path carries
      // through it is unknown, not empty.
      const spilled = (src as Source)[DOC_SPILLED_FIELD];
      if (Array.isArray(spilled) && spilled.includes(first)) {
        throw new GraphQLError(
          `${node.name}.${d.name} is carried through ${first}, which holds more than the 128 neighbours a node keeps news of; read ${first} (or ${connectionFieldOf(first)}) instead`,
          {
            extensions: { code: 'CARRIED_PATH_TOO_WIDE', relation: first },
          },
        );
      }
      return ((src as Source)[d.name] as unknown[] | undefined) ?? [];
    };
  }
  return out;
}

function carriedResolvers(node: NodeModel, schema: GraphQLSchema): void {
  for (const d of Object.values(node.denormalized)) {
    const type = schema.getType(nodeTypeNames(node.name).carriedOf(d.name));
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    // A carried neighbour's id is global, as the neighbour's own is.
    if (fields['id']) fields['id'].resolve = (src) => globalId(d.target, String((src as Record<string, unknown>)['id']));
    for (const f of Object.values(d.fields)) {
      const r = masked(d.target, f);
      const field = fields[f.name];
      if (r && field) field.resolve = r;
    }
  }
}

function setResolvers(type: unknown, resolvers: Record<string, Resolver>): void {
  if (!(type instanceof GraphQLObjectType)) return;
  const fields = type.getFields();
  for (const [name, resolve] of Object.entries(resolvers)) {
    const field = fields[name];
    if (field) field.resolve = resolve;
  }
}

/**
 * A list whose items fail one by one: a failure is an error at its own index only. Returned as
 * Error values, not rejected promises: graphql-jit drops a rejected item (and its null) from the list.
 */
function eachOrError<T>(items: readonly T[], resolve: (item: T) => Promise<unknown>): Promise<unknown[]> {
  return Promise.all(items.map((item) => resolve(item).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))));
}

/** The node a global id names; an id that is not `Type:key`, or names no type, is an error. */
async function nodeByGlobalId(model: ContractModel, ctx: MeshContext, id: unknown): Promise<Source | null> {
  const parsed = parseGlobalId(String(id));
  if (!parsed) throw badInput(`node id ${JSON.stringify(id)} is not a global id Type:key (e.g. ${Object.keys(model.types)[0] ?? 'Type'}:k1)`);
  if (!Object.hasOwn(model.types, parsed.type)) {
    throw badInput(`node id ${JSON.stringify(id)} names no node type: ${parsed.type} is unknown (known types: ${Object.keys(model.types).join(', ')})`, {
      knownTypes: Object.keys(model.types),
    });
  }
  return (await load(ctx, parsed.type, [parsed.id]))[0] ?? null;
}

export function attachResolvers(schema: GraphQLSchema, model: ContractModel, sdl: string): void {
  const query: Record<string, Resolver> = {
    node: (_src, args, ctx) => nodeByGlobalId(model, ctx, args['id']),
    nodes: (_src, args, ctx) => eachOrError(args['ids'] as unknown[], (id) => nodeByGlobalId(model, ctx, id)),
    _service: () => ({ sdl }),
    _entities: (_src, args, ctx) =>
      eachOrError(args['representations'] as Array<Record<string, unknown>>, async (rep) => {
        const node = typeof rep?.['__typename'] === 'string' && Object.hasOwn(model.types, rep['__typename']) ? model.types[rep['__typename']] : undefined;
        if (!node) throw badInput(`representation ${JSON.stringify(rep)?.slice(0, 200)} names no node type of this subgraph`);
        // Either @key: the node's key, or its global id.
        const key = rep[keyFieldOf(node)] ?? rep[GLOBAL_ID_FIELD];
        if (typeof key !== 'string' && typeof key !== 'number')
          throw badInput(`representation of ${node.name} has neither ${keyFieldOf(node)} nor ${GLOBAL_ID_FIELD}`);
        return (await load(ctx, node.name, [keyOfInput(node, key)]))[0];
      }),
  };
  for (const node of Object.values(model.types)) {
    const names = queryFieldNames(node.name, node.plural);
    query[names.one] = async (_src, args, ctx) => (await load(ctx, node.name, [keyOfInput(node, args['id'])]))[0];
    query[names.many] = (_src, args, ctx) =>
      load(
        ctx,
        node.name,
        (args['ids'] as unknown[]).map((id) => keyOfInput(node, id)),
      );
    query[names.search] = searchResolver(node, model);
    setResolvers(schema.getType(node.name), nodeResolvers(node, model));
    setResolvers(schema.getType(nodeTypeNames(node.name).connection), CONNECTION);
    carriedResolvers(node, schema);
  }
  setResolvers(schema.getQueryType(), query);
  const byTypename = (value: unknown) => (value as Source).__typename;
  const nodeInterface = schema.getType('Node');
  if (nodeInterface && 'resolveType' in nodeInterface) nodeInterface.resolveType = byTypename;
  const entity = schema.getType('_Entity');
  if (entity && 'resolveType' in entity) entity.resolveType = byTypename;
}
