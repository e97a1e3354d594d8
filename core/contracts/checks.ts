// Rules a resolved model must follow so that every compiler can turn it into valid output:
// names GraphQL accepts and does not reserve, known owners, no name used twice, no personal data
// in facets (a facet count reveals values to everyone).
import type { ContractModel, ContractProblem, ContractProblemCode, FieldModel, NodeModel } from './model';
import {
  FIELD_NAME,
  GLOBAL_ID_FIELD,
  GRAPHQL_NAME,
  RESERVED_FIELD_NAMES,
  RESERVED_TYPE_NAMES,
  ROOT_TYPE_NAMES,
  TYPE_NAME,
  connectionFieldOf,
  keyFieldOf,
  nodeTypeNames,
  queryFieldNames,
} from './naming';

type Report = (code: ContractProblemCode, at: string, message: string) => void;

function checkTypeName(name: string, report: Report): void {
  if (name.startsWith('__')) return report('reserved-name', name, `type name ${name}: names starting with "__" are reserved by GraphQL introspection`);
  if ((ROOT_TYPE_NAMES as readonly string[]).includes(name)) {
    return report(
      'reserved-name',
      name,
      `type name ${name} is a GraphQL root operation type name (${ROOT_TYPE_NAMES.join(', ')}); a node type named so would become a root of the schema (under Apollo composition too). Rename it, e.g. after what the business calls it`,
    );
  }
  if (RESERVED_TYPE_NAMES.includes(name))
    return report('reserved-name', name, `type name ${name} is reserved (built-in or shared GraphQL type: ${RESERVED_TYPE_NAMES.join(', ')})`);
  if (!TYPE_NAME.test(name)) report('invalid-name', name, `type name ${name} must be PascalCase letters and digits (${TYPE_NAME})`);
}

function checkFieldName(at: string, name: string, report: Report): void {
  if (name.startsWith('__')) return report('reserved-name', at, `${at}: names starting with "__" are reserved by GraphQL introspection`);
  if (RESERVED_FIELD_NAMES.includes(name)) return report('reserved-name', at, `${at}: "${name}" is reserved (${RESERVED_FIELD_NAMES.join(', ')})`);
  if (!FIELD_NAME.test(name)) report('invalid-name', at, `${at}: field, edge and path names must be camelCase letters and digits (${FIELD_NAME})`);
}

function checkField(at: string, f: FieldModel, sources: ContractModel['sources'], report: Report): void {
  if (!sources[f.owner]) report('unknown-source', at, `${at} is owned by "${f.owner}", which is not a declared source (${Object.keys(sources).join(', ')})`);
  if (f.pii !== undefined && f.facet) report('pii-facet', at, `${at} is pii (role ${f.pii}) and a facet: facet counts would show its values to every caller`);
  if (f.pii !== undefined && f.pii.trim() === '') report('invalid-flag', at, `${at}: pii needs the role that may see it`);
  if (f.kind !== 'enum') return;
  const values = f.values ?? [];
  if (values.length === 0) report('invalid-enum', at, `${at}: an enum needs at least one value`);
  for (const v of values) {
    if (!GRAPHQL_NAME.test(v) || ['true', 'false', 'null'].includes(v))
      report('invalid-enum', at, `${at}: enum value "${v}" is not a valid GraphQL enum value`);
  }
  if (new Set(values).size !== values.length) report('invalid-enum', at, `${at}: enum values repeat`);
}

function checkNode(node: NodeModel, model: ContractModel, report: Report): void {
  checkTypeName(node.name, report);
  if (!model.sources[node.owner])
    report('unknown-source', node.name, `${node.name} is owned by "${node.owner}", which is not a declared source (${Object.keys(model.sources).join(', ')})`);
  // The global id is `id`; a type keyed by another name shows its key under that name, a type
  // keyed `id` under `key`.
  const seen = new Map<string, string>([
    [node.key, 'key'],
    [GLOBAL_ID_FIELD, 'the global id (Node.id)'],
    [keyFieldOf(node), 'key'],
  ]);
  const claim = (name: string, what: string) => {
    const at = `${node.name}.${name}`;
    checkFieldName(at, name, report);
    const before = seen.get(name);
    if (before) report('duplicate-name', at, `${at} is declared as ${what} but the name is already used by a ${before}`);
    else seen.set(name, what);
  };
  checkFieldName(`${node.name}.${node.key}`, node.key, report);
  for (const f of Object.values(node.fields)) {
    claim(f.name, 'field');
    checkField(`${node.name}.${f.name}`, f, model.sources, report);
  }
  for (const e of Object.values(node.edges)) {
    const what = e.declaredOn === node.name ? 'edge' : `edge (the inverse of ${e.to}.${e.inverse})`;
    claim(e.name, what);
    if (e.cardinality === 'many') claim(connectionFieldOf(e.name), `paged form of ${what} ${e.name}`);
    if (!model.sources[e.owner])
      report('unknown-source', `${node.name}.${e.name}`, `edge ${node.name}.${e.name} is owned by "${e.owner}", which is not a declared source`);
    if (e.facet && e.cardinality === 'many') {
      report(
        'invalid-flag',
        `${node.name}.${e.name}`,
        `${node.name}.${e.name} is a 'many' end and cannot be a facet: past 128 neighbours its ids move to edge buckets, out of the search document; facet the other end (${e.to}.${e.inverse}) instead`,
      );
    }
  }
  for (const d of Object.values(node.denormalized)) {
    claim(d.name, 'denormalized path');
    for (const f of Object.values(d.fields)) {
      if (f.facet && f.pii !== undefined)
        report(
          'pii-facet',
          `${node.name}.${d.name}.${f.name}`,
          `${node.name}.${d.name}.${f.name} carries pii (role ${f.pii}) and is a facet: facet counts would show its values to every caller`,
        );
    }
  }
}

/** Generated GraphQL names (types and query fields) must not collide across node types. */
function checkGeneratedNames(model: ContractModel, report: Report): void {
  const owners = new Map<string, string>();
  const claim = (generated: string, by: string) => {
    const before = owners.get(generated);
    if (before && before !== by) report('duplicate-name', by, `the GraphQL name ${generated} generated for ${by} is also used by ${before}`);
    else owners.set(generated, by);
  };
  for (const node of Object.values(model.types)) claim(node.name, node.name);
  for (const node of Object.values(model.types)) {
    const names = nodeTypeNames(node.name);
    for (const n of [names.filter, names.sort, names.sortField, names.connection, names.edge, names.facetField]) claim(n, node.name);
    for (const f of Object.values(node.fields)) {
      if (f.kind === 'enum') for (const n of [names.enumOf(f.name), names.enumFilterOf(f.name)]) claim(n, `${node.name}.${f.name}`);
    }
    for (const d of Object.values(node.denormalized)) {
      for (const n of [names.carriedOf(d.name), names.carriedFilterOf(d.name)]) claim(n, `${node.name}.${d.name}`);
    }
    for (const q of Object.values(queryFieldNames(node.name, node.plural))) claim(`Query.${q}`, node.name);
  }
  claim('Query.node', 'the Node interface');
  claim('Query.nodes', 'the Node interface');
}

export function checkModel(model: ContractModel): ContractProblem[] {
  const problems: ContractProblem[] = [];
  const report: Report = (code, at, message) => void problems.push({ code, at, message });
  for (const node of Object.values(model.types)) checkNode(node, model, report);
  checkGeneratedNames(model, report);
  return problems;
}
