// Summaries (what a node tells its neighbours) and the projection body (what it tells the index),
// both built from the node's state and what its neighbours told it.
import type { NodeModel } from '../contracts/model';
import { DOC_LINKS_FIELD, DOC_SPILLED_FIELD } from '../contracts/naming';
import type { Shape } from './needs';
import { holders } from './merge';
import type { ProjectionDoc } from '../projection/port';
import { currentValue, isVisible, parseGlobalId, type NodeState, type Summary } from './node-state';

/** Summaries of the neighbours `rel` holds (unlinked or deleted neighbours are left out). */
export function linkedSummaries(state: NodeState, node: NodeModel, rel: string): Summary[] {
  const one = node.edges[rel]?.cardinality === 'one';
  const out: Summary[] = [];
  for (const gid of holders(state, rel, one)) {
    const s = state.neighbours[rel]?.[gid]?.s;
    if (s) out.push(s);
  }
  return out;
}

function trim(s: Summary, shape: Shape): Summary {
  const f: Summary['f'] = {};
  for (const name of shape.fields) if (name in s.f) f[name] = s.f[name]!;
  const out: Summary = { id: s.id, f };
  for (const [rel, inner] of Object.entries(shape.nested)) (out.r ??= {})[rel] = (s.r?.[rel] ?? []).map((x) => trim(x, inner));
  return out;
}

/**
 * Whether this node has heard from every neighbour whose news `shape` nests (a linked neighbour
 * whose summary has not arrived yet would show as missing). Only that first level: a neighbour
 * sends its own summary only once it is complete, so what arrived is complete all the way down.
 * A relation held in edge buckets keeps no news and is not waited for.
 */
export function summaryComplete(state: NodeState, node: NodeModel, shape: Shape): boolean {
  for (const rel of Object.keys(shape.nested)) {
    if (state.spilled?.[rel]) continue;
    const news = state.neighbours[rel];
    for (const gid of holders(state, rel, node.edges[rel]?.cardinality === 'one')) if (!news?.[gid]) return false;
  }
  return true;
}

/** What this node tells a neighbour that needs `shape` from it; null when the node is not visible. */
export function buildSummary(state: NodeState, node: NodeModel, shape: Shape): Summary | null {
  if (!isVisible(state, node.owner)) return null;
  const f: Summary['f'] = {};
  for (const name of shape.fields) f[name] = state.fields[name]?.v ?? null;
  const out: Summary = { id: state.id, f };
  for (const [rel, inner] of Object.entries(shape.nested)) (out.r ??= {})[rel] = linkedSummaries(state, node, rel).map((s) => trim(s, inner));
  return out;
}

/** Follows a denormalized path through the summaries: the nodes at its far end. */
function walk(state: NodeState, node: NodeModel, via: string[]): Summary[] {
  const [first, ...rest] = via;
  let level = first ? linkedSummaries(state, node, first) : [];
  for (const rel of rest) level = level.flatMap((s) => s.r?.[rel] ?? []);
  const seen = new Set<string>();
  return level.filter((s) => !seen.has(s.id) && seen.add(s.id));
}

/**
 * The projection document body, shaped like the contract's index mapping: the key, the fields,
 * the neighbour ids per edge, and each denormalized path's far-end nodes (`{id, ...fields}`).
 */
export function buildBody(state: NodeState, node: NodeModel): Record<string, unknown> {
  const body: Record<string, unknown> = { [node.key]: state.id };
  for (const name of Object.keys(node.fields)) {
    const value = currentValue(state, name);
    if (value !== undefined) body[name] = value;
  }
  const idOf = (gid: string) => parseGlobalId(gid)?.id ?? gid;
  const spilled: string[] = [];
  const links: Record<string, string[]> = {};
  for (const edge of Object.values(node.edges)) {
    const one = edge.cardinality === 'one';
    const ids = holders(state, edge.name, one).map(idOf);
    if (ids.length > 0) body[edge.name] = one ? ids[0] : ids;
    if (!one && state.spilled?.[edge.name]) spilled.push(edge.name);
    if (one && edge.inverseCardinality === 'many') {
      // The other end lists this node while its cell there is on, newest or not.
      const others = holders(state, edge.name, false)
        .map(idOf)
        .filter((id) => id !== ids[0]);
      if (others.length > 0) links[edge.name] = others;
    }
  }
  if (spilled.length > 0) body[DOC_SPILLED_FIELD] = spilled.sort();
  if (Object.keys(links).length > 0) body[DOC_LINKS_FIELD] = links;
  for (const d of Object.values(node.denormalized)) {
    const rows = walk(state, node, d.via).map((s) => ({
      id: s.id,
      ...Object.fromEntries(
        Object.keys(d.fields)
          .filter((k) => s.f[k] !== undefined && s.f[k] !== null)
          .map((k) => [k, s.f[k]]),
      ),
    }));
    // Absent rather than empty, like an edge without neighbours: `exists` filters read the same.
    if (rows.length > 0) body[d.name] = d.many ? rows : rows[0];
  }
  return body;
}

/** The node's search document now: its body, or a tombstone when it is deleted or a placeholder. */
export function projectionOf(state: NodeState, node: NodeModel): ProjectionDoc {
  const visible = isVisible(state, node.owner);
  return {
    id: `${state.type}:${state.id}`,
    type: state.type,
    version: state.ver,
    ...(visible ? {} : { deleted: true }),
    body: visible ? buildBody(state, node) : {},
  };
}
