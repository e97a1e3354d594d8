// The names the compilers derive from a contract, in one place, so the GraphQL compiler, the
// contract validation (collisions) and the later resolvers all agree.

export const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
export const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
export const FIELD_NAME = /^[a-z][A-Za-z0-9]*$/;

export const ROOT_TYPE_NAMES = ['Query', 'Mutation', 'Subscription'] as const;

/** Shared GraphQL types that every generated schema declares. */
export const SHARED_TYPES = {
  node: 'Node',
  dateTime: 'DateTime',
  pageInfo: 'PageInfo',
  facet: 'Facet',
  facetBucket: 'FacetBucket',
  sortDirection: 'SortDirection',
  idFilter: 'IDFilter',
  keywordFilter: 'KeywordFilter',
  textFilter: 'TextFilter',
  sortableTextFilter: 'SortableTextFilter',
  intFilter: 'IntFilter',
  floatFilter: 'FloatFilter',
  dateTimeFilter: 'DateTimeFilter',
  booleanFilter: 'BooleanFilter',
} as const;

const BUILT_IN_SCALARS = ['ID', 'String', 'Int', 'Float', 'Boolean'];

/** Type names a node type may not take: roots, built-ins, shared types. */
export const RESERVED_TYPE_NAMES: readonly string[] = [...ROOT_TYPE_NAMES, ...BUILT_IN_SCALARS, ...Object.values(SHARED_TYPES)];

/**
 * Every node type exposes its global id (`Customer:c1`) under this field, as the `Node` interface
 * of the GraphQL Global Object Identification spec declares.
 */
export const GLOBAL_ID_FIELD = 'id';
/** Where a type whose key field is named `id` (the global id's name) shows its key instead. */
export const RAW_KEY_FIELD = 'key';
/** Names no field, edge or path may take: filter combinators, and the global id (a key may be named `id`). */
export const RESERVED_FIELD_NAMES: readonly string[] = ['and', 'or', 'not'];

/** The GraphQL field that shows a node's own key: its key field, or `key` when that is named `id`. */
export const keyFieldOf = (node: { key: string }): string => (node.key === GLOBAL_ID_FIELD ? RAW_KEY_FIELD : node.key);

/** The list-with-paging field generated for a 'many' relation: `lines` -> `linesConnection`. */
export const connectionFieldOf = (rel: string): string => `${rel}Connection`;

/** Bookkeeping fields of search documents; contract names cannot contain `_`, so these never collide. */
export const DOC_SPILLED_FIELD = 'mesh_spilled';
export const DOC_LINKS_FIELD = 'mesh_links';

export const globalId = (type: string, id: string): string => `${type}:${id}`;

export function parseGlobalId(value: string): { type: string; id: string } | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) return undefined;
  return { type: value.slice(0, colon), id: value.slice(colon + 1) };
}

export const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
export const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

export function pluralize(name: string): string {
  if (/[^aeiou]y$/.test(name)) return name.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(name)) return name + 'es';
  return name + 's';
}

/** GraphQL type names generated for one node type. */
export function nodeTypeNames(type: string) {
  return {
    node: type,
    filter: `${type}Filter`,
    sort: `${type}Sort`,
    sortField: `${type}SortField`,
    connection: `${type}Connection`,
    edge: `${type}Edge`,
    /** The enum of the fields a search may count in facets. */
    facetField: `${type}FacetField`,
    /** The enum of an enum field, and its filter input. */
    enumOf: (field: string) => `${type}${upperFirst(field)}`,
    enumFilterOf: (field: string) => `${type}${upperFirst(field)}Filter`,
    /** The object type of a denormalized path, and its filter input. */
    carriedOf: (path: string) => `${type}${upperFirst(path)}`,
    carriedFilterOf: (path: string) => `${type}${upperFirst(path)}Filter`,
  };
}

/** Query fields generated for one node type. */
export function queryFieldNames(type: string, plural: string) {
  return { one: lowerFirst(type), many: lowerFirst(plural), search: `search${upperFirst(plural)}` };
}

/** The sort enum value of a carried neighbour field (`planInfo_name` sorts by `planInfo.name`). */
export const carriedSortValue = (path: string, field: string): string => `${path}_${field}`;

/** The enum value naming an index path (sort and facet enums): `planInfo.name` -> `planInfo_name`. */
export const enumValueOfPath = (path: string): string => path.replace('.', '_');

/** A plain relation list (`plan { lines }`) answers at most this many nodes; more is an error naming the paged field. */
export const RELATION_LIST_MAX = 1000;

/** Search index (alias) and template name of a node type. */
export const indexName = (type: string): string => `meshgraph-${type.toLowerCase()}`;
