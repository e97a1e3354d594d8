// The Federation v2 subgraph SDL of a contract model: per node type the entity (`@key`), its
// edges as fields named like the relation, its denormalized neighbours, and the query API
// (`customer`, `customers`, `searchCustomers`, `node`) that the GraphQL function serves.
import type { ContractModel, DenormalizedModel, EdgeModel, FieldModel, NodeModel } from './model';
import {
  GLOBAL_ID_FIELD,
  RELATION_LIST_MAX,
  SHARED_TYPES,
  carriedSortValue,
  connectionFieldOf,
  enumValueOfPath,
  keyFieldOf,
  nodeTypeNames,
  queryFieldNames,
} from './naming';
import { SHARED_SDL, describe, filterOf, scalarOf } from './graphql-shared';

const block = (keyword: string, name: string, lines: string[], suffix = ''): string => `${keyword} ${name}${suffix} {\n${lines.join('\n')}\n}\n`;

function fieldDescription(f: FieldModel): string | undefined {
  const pii = f.pii === undefined ? undefined : `Personal data: null unless the caller holds the role ${f.pii}.`;
  return [f.description, pii].filter(Boolean).join(' ') || undefined;
}

/** A field as an output field: lists are `[T!]`, everything but the key is nullable. */
function outputField(f: FieldModel, owningType: string): string {
  const scalar = scalarOf(f, nodeTypeNames(owningType).enumOf(f.name));
  return `${describe(fieldDescription(f), '  ')}  ${f.name}: ${f.list ? `[${scalar}!]` : scalar}`;
}

function enumsOf(node: NodeModel): string[] {
  const names = nodeTypeNames(node.name);
  return Object.values(node.fields)
    .filter((f) => f.kind === 'enum')
    .flatMap((f) => {
      const type = names.enumOf(f.name);
      const values = (f.values ?? []).map((v) => `  ${v}`);
      const filter = [`  eq: ${type}`, `  in: [${type}!]`, '  exists: Boolean'];
      return [block('enum', type, values), block('input', names.enumFilterOf(f.name), filter)];
    });
}

function carriedTypes(node: NodeModel, d: DenormalizedModel): string[] {
  const names = nodeTypeNames(node.name);
  const target = nodeTypeNames(d.target);
  const fields = Object.values(d.fields);
  const output = [`  id: ID!`, ...fields.map((f) => outputField(f, d.target))];
  const filter = [`  id: ${SHARED_TYPES.idFilter}`, ...fields.map((f) => `  ${f.name}: ${filterOf(f, target.enumFilterOf(f.name))}`)];
  const title = d.description ?? `Fields of ${d.target} carried by ${node.name} via ${d.via.join(' -> ')}.`;
  return [describe(title) + block('type', names.carriedOf(d.name), output), block('input', names.carriedFilterOf(d.name), filter)];
}

/** A relation: a 'one' end is an object; a 'many' end a bounded list and its paged form. */
function edgeFields(e: EdgeModel, model: ContractModel): string[] {
  if (e.cardinality === 'one') return [`${describe(e.description, '  ')}  ${e.name}: ${e.to}`];
  const target = model.types[e.to];
  const names = nodeTypeNames(e.to);
  const paged = connectionFieldOf(e.name);
  const list = [
    e.description,
    `Every linked ${e.to}, ordered by key. At most ${RELATION_LIST_MAX}: a longer relation answers an error; page it with ${paged}.`,
  ];
  const search = target ? queryFieldNames(target.name, target.plural).search : `search ${e.to}`;
  const connection = `The linked ${e.to} nodes a page at a time, ordered by key unless sorted, with totalCount and facets; query, filter and sort as in ${search}.`;
  return [
    `${describe(list.filter(Boolean).join(' '), '  ')}  ${e.name}: [${e.to}!]!`,
    `${describe(connection, '  ')}  ${paged}(query: String, filter: ${names.filter}, sort: [${names.sort}!], first: Int = 20, after: String): ${names.connection}!`,
  ];
}

function entityType(node: NodeModel, model: ContractModel): string {
  const names = nodeTypeNames(node.name);
  const lines = [
    `${describe(`The global id, ${node.name}:<${node.key}> (Node.id).`, '  ')}  ${GLOBAL_ID_FIELD}: ID!`,
    `${describe(`The ${node.name}'s key in its sources.`, '  ')}  ${keyFieldOf(node)}: ID!`,
    ...Object.values(node.fields).map((f) => outputField(f, node.name)),
    ...Object.values(node.edges).flatMap((e) => edgeFields(e, model)),
    ...Object.values(node.denormalized).map((d) => `  ${d.name}: ${d.many ? `[${names.carriedOf(d.name)}!]!` : names.carriedOf(d.name)}`),
  ];
  // Federation: other subgraphs may reference it by global id or by its key.
  return (
    describe(node.description) +
    block('type', node.name, lines, ` implements ${SHARED_TYPES.node} @key(fields: "${GLOBAL_ID_FIELD}") @key(fields: "${keyFieldOf(node)}")`)
  );
}

/** Index paths a search of `node` counts in facets: own fields, 'one' relations and carried fields marked facet. */
export function facetPaths(node: NodeModel): string[] {
  return [
    ...Object.values(node.fields)
      .filter((f) => f.facet)
      .map((f) => f.name),
    ...Object.values(node.edges)
      .filter((e) => e.facet && e.cardinality === 'one')
      .map((e) => e.name),
    ...Object.values(node.denormalized).flatMap((d) =>
      Object.values(d.fields)
        .filter((f) => f.facet)
        .map((f) => `${d.name}.${f.name}`),
    ),
  ];
}

function searchTypes(node: NodeModel): string[] {
  const names = nodeTypeNames(node.name);
  // Carried neighbour fields sort too when the path reaches one node (a list has no single value).
  const carriedSortable = Object.values(node.denormalized)
    .filter((d) => !d.many)
    .flatMap((d) =>
      Object.values(d.fields)
        .filter((f) => f.sortable && !f.list)
        .map((f) => carriedSortValue(d.name, f.name)),
    );
  const sortable = [
    node.key,
    ...Object.values(node.fields)
      .filter((f) => f.sortable)
      .map((f) => f.name),
    ...carriedSortable,
  ];
  const filterLines = [
    `${describe(`The ${node.name}'s key (its global id is accepted too).`, '  ')}  ${node.key}: ${SHARED_TYPES.idFilter}`,
    ...Object.values(node.fields).map((f) => `  ${f.name}: ${filterOf(f, names.enumFilterOf(f.name))}`),
    ...Object.values(node.edges).map((e) => `${describe(`Keys (or global ids) of the linked ${e.to} nodes.`, '  ')}  ${e.name}: ${SHARED_TYPES.idFilter}`),
    ...Object.values(node.denormalized).map((d) => `  ${d.name}: ${names.carriedFilterOf(d.name)}`),
    `  and: [${names.filter}!]`,
    `  or: [${names.filter}!]`,
    `  not: ${names.filter}`,
  ];
  const facets = facetPaths(node);
  const facetField =
    facets.length > 0
      ? `${describe('Counts per value of the facet fields named (default: all of them).', '  ')}  facets(fields: [${names.facetField}!]): [${SHARED_TYPES.facet}!]!`
      : `${describe(`${node.name} has no facet fields: always empty.`, '  ')}  facets: [${SHARED_TYPES.facet}!]!`;
  return [
    block('type', names.edge, ['  cursor: String!', `  node: ${node.name}!`]),
    block('type', names.connection, ['  totalCount: Int!', `  edges: [${names.edge}!]!`, `  pageInfo: ${SHARED_TYPES.pageInfo}!`, facetField]),
    ...(facets.length > 0
      ? [
          describe(`Facet fields of ${node.name}: its own, its relations by neighbour id, and carried ones (path_field).`) +
            block(
              'enum',
              names.facetField,
              facets.map((p) => `  ${enumValueOfPath(p)}`),
            ),
        ]
      : []),
    block(
      'enum',
      names.sortField,
      sortable.map((s) => `  ${s}`),
    ),
    block('input', names.sort, [`  field: ${names.sortField}!`, `  direction: ${SHARED_TYPES.sortDirection} = ASC`]),
    block('input', names.filter, filterLines),
  ];
}

function queryFields(node: NodeModel): string[] {
  const names = nodeTypeNames(node.name);
  const q = queryFieldNames(node.name, node.plural);
  return [
    `${describe(`The ${node.name} with this key (or global id).`, '  ')}  ${q.one}(id: ID!): ${node.name}`,
    `  ${q.many}(ids: [ID!]!): [${node.name}]!`,
    `  ${q.search}(query: String, filter: ${names.filter}, sort: [${names.sort}!], first: Int = 20, after: String): ${names.connection}!`,
  ];
}

export function compileGraphQL(model: ContractModel): string {
  const nodes = Object.values(model.types);
  const query = block('type', 'Query', [
    `${describe('The node with this global id (Type:key); an id of an unknown type is an error naming the known ones.', '  ')}  node(id: ID!): ${SHARED_TYPES.node}`,
    `${describe('The nodes with these global ids, in order (null where none).', '  ')}  nodes(ids: [ID!]!): [${SHARED_TYPES.node}]!`,
    ...nodes.flatMap(queryFields),
  ]);
  const perNode = nodes.flatMap((node) => [
    entityType(node, model),
    ...enumsOf(node),
    ...Object.values(node.denormalized).flatMap((d) => carriedTypes(node, d)),
    ...searchTypes(node),
  ]);
  return [`# Generated from the ${model.name} contracts by meshgraph; do not edit.`, SHARED_SDL, query, ...perNode].join('\n');
}
