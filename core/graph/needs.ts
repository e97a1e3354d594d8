// What each node type needs to hear from its neighbours, derived from the contract's
// denormalized paths: for `Customer.plans` via accounts -> lines -> plan, a Customer needs from
// each account its lines' plan names, so an Account needs from each line its plan's name, and a
// Line needs from its plan the name. A node sends a neighbour only what that neighbour needs.
import type { ContractModel } from '../contracts/model';

export interface Shape {
  fields: string[];
  nested: Record<string, Shape>;
}

/** needs[type][rel]: the shape a node of `type` needs from each neighbour reached through `rel`. */
export type Needs = Record<string, Record<string, Shape>>;

const empty = (): Shape => ({ fields: [], nested: {} });

function merge(into: Shape, from: Shape): void {
  for (const f of from.fields) if (!into.fields.includes(f)) into.fields.push(f);
  for (const [rel, shape] of Object.entries(from.nested)) merge((into.nested[rel] ??= empty()), shape);
}

export function isEmptyShape(shape: Shape | undefined): boolean {
  return !shape || (shape.fields.length === 0 && Object.keys(shape.nested).length === 0);
}

export function computeNeeds(model: ContractModel): Needs {
  const needs: Needs = {};
  const need = (type: string, rel: string) => ((needs[type] ??= {})[rel] ??= empty());
  // A node of `type` needs, through via[0], the rest of the path; its neighbour then needs the
  // remainder through via[1], and so on: each hop is a shape one level shorter.
  const add = (type: string, via: string[], fields: string[]) => {
    const [rel, ...rest] = via;
    if (!rel) return;
    const shape: Shape = empty();
    let cursor = shape;
    for (const r of rest) cursor = cursor.nested[r] = empty();
    cursor.fields.push(...fields);
    merge(need(type, rel), shape);
    const next = model.types[type]?.edges[rel]?.to;
    if (next) add(next, rest, fields);
  };
  for (const node of Object.values(model.types)) for (const d of Object.values(node.denormalized)) add(node.name, d.via, Object.keys(d.fields));
  return needs;
}
