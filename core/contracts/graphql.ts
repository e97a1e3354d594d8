// The Federation v2 subgraph SDL of a contract model: per node type the entity (`@key`), its
// edges as fields named like the relation, its denormalized neighbours, and the query API
// (`customer`, `customers`, `searchCustomers`, `node`) that the GraphQL function serves.
import type { ContractModel, DenormalizedModel, FieldModel, NodeModel } from './model';
import { GLOBAL_ID_FIELD, SHARED_TYPES, carriedSortValue, nodeTypeNames, queryFieldNames } from './naming';
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

function entityType(node: NodeModel): string {
  const names = nodeTypeNames(node.name);
  const lines = [
    `  ${node.key}: ID!`,
    `${describe(`Global id: ${node.name}:<${node.key}>.`, '  ')}  ${GLOBAL_ID_FIELD}: ID!`,
    ...Object.values(node.fields).map((f) => outputField(f, node.name)),
    ...Object.values(node.edges).map((e) => `${describe(e.description, '  ')}  ${e.name}: ${e.cardinality === 'many' ? `[${e.to}!]!` : e.to}`),
    ...Object.values(node.denormalized).map((d) => `  ${d.name}: ${d.many ? `[${names.carriedOf(d.name)}!]!` : names.carriedOf(d.name)}`),
  ];
  return describe(node.description) + block('type', node.name, lines, ` implements ${SHARED_TYPES.node} @key(fields: "${node.key}")`);
}

function searchTypes(node: NodeModel): string[] {
  const names = nodeTypeNames(node.name);
  // Carried neighbour fields sort too when the path reaches one node (a list has no single value).
  const carriedSortable = Object.values(node.denormalized)
    .filter((d) => !d.many)
    .flatMap((d) => Object.values(d.fields).filter((f) => f.sortable && !f.list).map((f) => carriedSortValue(d.name, f.name)));
  const sortable = [node.key, ...Object.values(node.fields).filter((f) => f.sortable).map((f) => f.name), ...carriedSortable];
  const filterLines = [
    `  ${node.key}: ${SHARED_TYPES.idFilter}`,
    ...Object.values(node.fields).map((f) => `  ${f.name}: ${filterOf(f, names.enumFilterOf(f.name))}`),
    ...Object.values(node.edges).map((e) => `${describe(`Ids of the linked ${e.to} nodes.`, '  ')}  ${e.name}: ${SHARED_TYPES.idFilter}`),
    ...Object.values(node.denormalized).map((d) => `  ${d.name}: ${names.carriedFilterOf(d.name)}`),
    `  and: [${names.filter}!]`,
    `  or: [${names.filter}!]`,
    `  not: ${names.filter}`,
  ];
  return [
    block('type', names.edge, ['  cursor: String!', `  node: ${node.name}!`]),
    block('type', names.connection, ['  totalCount: Int!', `  edges: [${names.edge}!]!`, `  pageInfo: ${SHARED_TYPES.pageInfo}!`, `  facets: [${SHARED_TYPES.facet}!]!`]),
    block('enum', names.sortField, sortable.map((s) => `  ${s}`)),
    block('input', names.sort, [`  field: ${names.sortField}!`, `  direction: ${SHARED_TYPES.sortDirection} = ASC`]),
    block('input', names.filter, filterLines),
  ];
}

function queryFields(node: NodeModel): string[] {
  const names = nodeTypeNames(node.name);
  const q = queryFieldNames(node.name, node.plural);
  return [
    `  ${q.one}(id: ID!): ${node.name}`,
    `  ${q.many}(ids: [ID!]!): [${node.name}]!`,
    `  ${q.search}(query: String, filter: ${names.filter}, sort: [${names.sort}!], first: Int = 20, after: String): ${names.connection}!`,
  ];
}

export function compileGraphQL(model: ContractModel): string {
  const nodes = Object.values(model.types);
  const query = block('type', 'Query', [`  node(id: ID!): ${SHARED_TYPES.node}`, ...nodes.flatMap(queryFields)]);
  const perNode = nodes.flatMap((node) => [
    entityType(node),
    ...enumsOf(node),
    ...Object.values(node.denormalized).flatMap((d) => carriedTypes(node, d)),
    ...searchTypes(node),
  ]);
  return [`# Generated from the ${model.name} contracts by meshgraph; do not edit.`, SHARED_SDL, query, ...perNode].join('\n');
}
