// Resolvers of the generated schema. A node is resolved from its projection document (its body
// already holds its fields, edge ids and carried neighbour fields), so scalar fields use the
// default resolver; edges batch through the request's loaders; personal data is masked.
import { GraphQLObjectType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { ContractModel, FieldModel, NodeModel } from '../contracts/model';
import { globalId, nodeTypeNames, parseGlobalId, queryFieldNames } from '../contracts/naming';
import type { ProjectionDoc, SearchPage } from '../projection/port';
import type { MeshContext } from './context';
import { badInput, forbiddenField, searchInputs, sortKeys } from './inputs';

type Source = Record<string, unknown> & { __typename: string };
type Resolver = GraphQLFieldResolver<unknown, MeshContext, Record<string, any>>;

const sourceOf = (doc: ProjectionDoc | undefined): Source | null => (doc && !doc.deleted ? { ...doc.body, __typename: doc.type } : null);

function load(ctx: MeshContext, type: string, ids: readonly unknown[]): Promise<Array<Source | null>> {
  // loadMany resolves failures as Error values: rethrow, so a store failure is never a silent null.
  return ctx.loader(type).loadMany(ids.map((id) => globalId(type, String(id)))).then((docs) =>
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
  request: { text?: string; filter?: import('../projection/filter').Filter };
  facetFields: string[];
}

function searchResolver(node: NodeModel): Resolver {
  const facetFields = Object.values(node.fields).filter((f) => f.facet).map((f) => f.name);
  return async (_src, args, ctx): Promise<ConnectionSource> => {
    const first = checkFirst(args['first'], ctx);
    const { filter, words } = searchInputs(node, args['filter'], ctx.principal);
    const text = [args['query'], ...words].filter((t) => typeof t === 'string' && t.trim() !== '').join(' ') || undefined;
    const sort = sortKeys(node, args['sort'], ctx.principal);
    const request = { ...(text ? { text } : {}), ...(filter ? { filter } : {}) };
    const page = await ctx.store.search(node.name, { ...request, ...(sort ? { sort } : {}), first, ...(args['after'] ? { after: args['after'] } : {}), totalUpTo: ctx.limits.totalUpTo });
    const loader = ctx.loader(node.name);
    for (const hit of page.hits) loader.prime(hit.doc.id, hit.doc);
    return { page, type: node.name, request, facetFields };
  };
}

const CONNECTION: Record<string, Resolver> = {
  totalCount: (src) => (src as ConnectionSource).page.total.value,
  edges: (src) => (src as ConnectionSource).page.hits.map((h) => ({ cursor: h.cursor, node: sourceOf(h.doc) })),
  pageInfo: (src) => ({ hasNextPage: (src as ConnectionSource).page.hasNextPage, endCursor: (src as ConnectionSource).page.endCursor ?? null }),
  facets: async (src, _args, ctx) => {
    const { type, request, facetFields } = src as ConnectionSource;
    if (facetFields.length === 0) return [];
    const counts = await ctx.store.facets(type, facetFields, request);
    return facetFields.map((field) => ({ field, buckets: (counts[field] ?? []).map((b) => ({ value: String(b.value), count: b.count })) }));
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

function nodeResolvers(node: NodeModel): Record<string, Resolver> {
  const out: Record<string, Resolver> = { globalId: (src) => globalId(node.name, String((src as Source)[node.key])) };
  for (const f of Object.values(node.fields)) {
    const r = masked(node.name, f);
    if (r) out[f.name] = r;
  }
  for (const e of Object.values(node.edges)) {
    out[e.name] =
      e.cardinality === 'many'
        ? async (src, _a, ctx) => {
            const ids = (src as Source)[e.name];
            return Array.isArray(ids) ? (await load(ctx, e.to, ids)).filter((n) => n !== null) : [];
          }
        : async (src, _a, ctx) => {
            const id = (src as Source)[e.name];
            return id === undefined || id === null ? null : (await load(ctx, e.to, [id]))[0];
          };
  }
  for (const d of Object.values(node.denormalized)) {
    if (d.many) out[d.name] = (src) => ((src as Source)[d.name] as unknown[] | undefined) ?? [];
  }
  return out;
}

function carriedResolvers(node: NodeModel, schema: GraphQLSchema): void {
  for (const d of Object.values(node.denormalized)) {
    const type = schema.getType(nodeTypeNames(node.name).carriedOf(d.name));
    if (!isObjectType(type)) continue;
    for (const f of Object.values(d.fields)) {
      const r = masked(d.target, f);
      const field = type.getFields()[f.name];
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

export function attachResolvers(schema: GraphQLSchema, model: ContractModel, sdl: string): void {
  const query: Record<string, Resolver> = {
    node: async (_src, args, ctx) => {
      const parsed = parseGlobalId(String(args['id']));
      if (!parsed) throw badInput(`node id ${JSON.stringify(args['id'])} is not a global id Type:key (e.g. Customer:c1)`);
      if (!model.types[parsed.type]) return null;
      return (await load(ctx, parsed.type, [parsed.id]))[0];
    },
    _service: () => ({ sdl }),
    // A list of promises, not one: a bad representation is an error at its own index only.
    _entities: (_src, args, ctx) =>
      (args['representations'] as Array<Record<string, unknown>>).map(async (rep) => {
        const node = typeof rep?.['__typename'] === 'string' ? model.types[rep['__typename']] : undefined;
        if (!node) throw badInput(`representation ${JSON.stringify(rep)?.slice(0, 200)} names no node type of this subgraph`);
        const key = rep[node.key];
        if (typeof key !== 'string' && typeof key !== 'number') throw badInput(`representation of ${node.name} has no ${node.key}`);
        return (await load(ctx, node.name, [key]))[0];
      }),
  };
  for (const node of Object.values(model.types)) {
    const names = queryFieldNames(node.name, node.plural);
    query[names.one] = async (_src, args, ctx) => (await load(ctx, node.name, [args['id']]))[0];
    query[names.many] = (_src, args, ctx) => load(ctx, node.name, args['ids']);
    query[names.search] = searchResolver(node);
    setResolvers(schema.getType(node.name), nodeResolvers(node));
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
