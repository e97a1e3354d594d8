// Turns the declarations of a data product into the resolved model: owners filled in, every
// edge present on both ends, denormalized paths walked to their target. Problems found on the
// way (unknown targets, inverse mismatches, paths too deep) are collected, never thrown.
import type { FieldMap } from './fields';
import type { CarryDecl, DataProductDef, NodeDef } from './dsl';
import { MAX_PATH_HOPS } from './model';
import type { ContractModel, ContractProblem, ContractProblemCode, DenormalizedModel, EdgeModel, FieldModel, NodeModel, SourceModel } from './model';
import { pluralize } from './naming';

type Report = (code: ContractProblemCode, at: string, message: string) => void;

function resolveFields(fields: FieldMap, owner: string): Record<string, FieldModel> {
  const out: Record<string, FieldModel> = {};
  for (const [name, f] of Object.entries(fields)) out[name] = { ...f.spec, name, owner: f.spec.owner ?? owner };
  return out;
}

function resolveNode(def: NodeDef): NodeModel {
  return {
    name: def.name,
    plural: def.plural ?? pluralize(def.name),
    key: def.key ?? 'id',
    owner: def.owner,
    ...(def.description ? { description: def.description } : {}),
    fields: resolveFields(def.fields, def.owner),
    edges: {},
    denormalized: {},
  };
}

const sameRelation = (a: EdgeModel, b: EdgeModel): boolean =>
  a.to === b.to && a.inverse === b.inverse && a.cardinality === b.cardinality && a.inverseCardinality === b.inverseCardinality && a.owner === b.owner;

/** Puts one end of a relation on its node; a second, different definition is an inverse mismatch. */
function putEdge(types: Record<string, NodeModel>, edge: EdgeModel, report: Report): void {
  const node = types[edge.from];
  if (!node) return;
  const existing = node.edges[edge.name];
  if (!existing) {
    node.edges[edge.name] = edge;
    return;
  }
  if (sameRelation(existing, edge)) {
    // Both ends declared: a facet asked for on either declaration holds.
    if (edge.facet) existing.facet = true;
    return;
  }
  const describe = (e: EdgeModel) => `-> ${e.to} (${e.cardinality}, inverse ${e.to}.${e.inverse}, owner ${e.owner}; from ${e.declaredOn}'s contract)`;
  report(
    'inverse-mismatch',
    `${edge.from}.${edge.name}`,
    `edge ${edge.from}.${edge.name} is defined twice and the definitions disagree: ${describe(existing)} vs ${describe(edge)}`,
  );
}

function resolveEdges(def: NodeDef, types: Record<string, NodeModel>, report: Report): void {
  for (const [name, decl] of Object.entries(def.edges ?? {})) {
    if (!types[decl.to]) {
      report(
        'unknown-edge-target',
        `${def.name}.${name}`,
        `edge ${def.name}.${name} points to ${decl.to}, which is not a node type (known: ${Object.keys(types).join(', ')})`,
      );
      continue;
    }
    const description = decl.description ? { description: decl.description } : {};
    const common = { owner: decl.owner, declaredOn: def.name, ...description };
    const ends = { cardinality: decl.cardinality, inverseCardinality: decl.inverseCardinality };
    putEdge(types, { name, from: def.name, to: decl.to, ...ends, inverse: decl.inverse, ...common, ...(decl.facet ? { facet: true } : {}) }, report);
    putEdge(
      types,
      {
        name: decl.inverse,
        from: decl.to,
        to: def.name,
        cardinality: ends.inverseCardinality,
        inverseCardinality: ends.cardinality,
        inverse: name,
        ...common,
        ...(decl.inverseFacet ? { facet: true } : {}),
      },
      report,
    );
  }
}

function resolvePath(from: NodeModel, name: string, decl: CarryDecl, types: Record<string, NodeModel>, report: Report): DenormalizedModel | undefined {
  const at = `${from.name}.${name}`;
  if (decl.via.length === 0) return void report('empty-path', at, `denormalized path ${at} walks no edge`);
  if (decl.via.length > MAX_PATH_HOPS) {
    return void report(
      'path-too-deep',
      at,
      `denormalized path ${at} (${decl.via.join(' -> ')}) has ${decl.via.length} hops; at most ${MAX_PATH_HOPS} are allowed`,
    );
  }
  let current = from;
  let many = false;
  for (const hop of decl.via) {
    const edge = current.edges[hop];
    const next = edge ? types[edge.to] : undefined;
    if (!edge || !next) {
      return void report(
        'unknown-edge',
        at,
        `denormalized path ${at} walks ${current.name}.${hop}, which is not an edge of ${current.name} (edges: ${Object.keys(current.edges).join(', ') || 'none'})`,
      );
    }
    many ||= edge.cardinality === 'many';
    current = next;
  }
  const target = current;
  const names =
    decl.fields ??
    Object.values(target.fields)
      .filter((f) => f.summary)
      .map((f) => f.name);
  if (names.length === 0)
    return void report('unknown-field', at, `denormalized path ${at} carries no field: name them, or mark summary fields on ${target.name}`);
  const fields: Record<string, FieldModel> = {};
  for (const fieldName of names) {
    const f = target.fields[fieldName];
    if (f) fields[fieldName] = decl.facets?.includes(fieldName) ? { ...f, facet: true } : f;
    else report('unknown-field', at, `denormalized path ${at} carries ${target.name}.${fieldName}, which is not a field of ${target.name}`);
  }
  for (const facet of decl.facets ?? []) {
    if (!names.includes(facet))
      report('unknown-field', at, `denormalized path ${at} counts ${facet} in facets but does not carry it (it carries ${names.join(', ')})`);
  }
  const description = decl.description ? { description: decl.description } : {};
  return { name, via: [...decl.via], target: target.name, many, fields, ...description };
}

function resolveSources(def: DataProductDef, report: Report): Record<string, SourceModel> {
  const sources: Record<string, SourceModel> = {};
  for (const [name, src] of Object.entries(def.sources)) {
    const records: SourceModel['records'] = {};
    for (const [type, rec] of Object.entries(src.records)) {
      if (!type.startsWith(`${name}.`)) report('invalid-name', type, `record type ${type} of source ${name} must start with "${name}."`);
      const fields = resolveFields(rec.fields, name);
      const seq = rec.sequence === undefined ? undefined : fields[rec.sequence];
      if (rec.sequence !== undefined && (!seq || seq.list || (seq.kind !== 'int' && seq.kind !== 'keyword'))) {
        report(
          'invalid-sequence',
          `${type}.${rec.sequence}`,
          `record type ${type}: sequence field "${rec.sequence}" must be a declared int or keyword (decimal string) field`,
        );
      }
      const description = rec.description ? { description: rec.description } : {};
      records[type] = { type, source: name, fields, ...(rec.sequence ? { sequence: rec.sequence } : {}), ...description };
    }
    sources[name] = { name, ...(src.description ? { description: src.description } : {}), records };
  }
  return sources;
}

export function resolveDataProduct(def: DataProductDef): { model: ContractModel; problems: ContractProblem[] } {
  const problems: ContractProblem[] = [];
  const report: Report = (code, at, message) => void problems.push({ code, at, message });
  const types: Record<string, NodeModel> = {};
  for (const t of def.types) {
    if (types[t.name]) report('duplicate-name', t.name, `node type ${t.name} is declared more than once`);
    else types[t.name] = resolveNode(t);
  }
  for (const t of def.types) resolveEdges(t, types, report);
  for (const t of def.types) {
    const node = types[t.name];
    if (!node) continue;
    for (const [name, decl] of Object.entries(t.denormalized ?? {})) {
      const path = resolvePath(node, name, decl, types, report);
      if (path) node.denormalized[name] = path;
    }
  }
  const sources = resolveSources(def, report);
  const description = def.description ? { description: def.description } : {};
  return { model: { name: def.name, ...description, types, sources }, problems };
}
