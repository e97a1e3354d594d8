// Read views of one node's actor state for the cold endpoints: the node, its lineage
// (provenance of every current value) and its history, with personal data masked for callers
// without the role the contract names.
import type { NodeModel } from '../contracts/model';
import type { FieldValue } from '../contracts/fields';
import { describeKey } from '../graph/order';
import { currentValue, isVisible, type NodeState } from '../graph/node-state';
import type { Principal } from '../auth/principal';

export interface NodeView {
  id: string;
  type: string;
  key: string;
  fields: Record<string, FieldValue | null>;
  /** Fields hidden from this caller (personal data without the role). */
  masked?: string[];
}

function canSee(node: NodeModel, field: string, who: Principal): boolean {
  const role = node.fields[field]?.pii;
  return !role || who.roles.has(role);
}

/** The node as the actor holds it now; undefined when it does not exist (or is a placeholder). */
export function nodeView(state: NodeState | undefined, node: NodeModel, who: Principal): NodeView | undefined {
  if (!state || !isVisible(state, node.owner)) return undefined;
  const fields: NodeView['fields'] = {};
  const masked: string[] = [];
  for (const name of Object.keys(node.fields)) {
    const value = currentValue(state, name);
    if (value === undefined) continue;
    if (canSee(node, name, who)) fields[name] = value;
    else masked.push(name);
  }
  return { id: `${state.t}:${state.id}`, type: state.t, key: state.id, fields, ...(masked.length ? { masked } : {}) };
}

export interface Provenance {
  source: string;
  eventId: string;
  sequence?: string;
  time?: string;
  at?: string;
}

function provenance(cell: { src: string; ev: string; k: string; at?: string }): Provenance {
  return { source: cell.src, eventId: cell.ev, ...describeKey(cell.k), ...(cell.at ? { at: cell.at } : {}) };
}

/** For every current field value and edge: the source, event id, sequence (or time) that set it. */
export function lineageView(state: NodeState, node: NodeModel, who: Principal) {
  const fields: Record<string, Provenance & { value: FieldValue | null }> = {};
  for (const [name, cell] of Object.entries(state.f)) {
    if (!node.fields[name]) continue;
    fields[name] = { value: canSee(node, name, who) ? cell.v : null, ...provenance(cell) };
  }
  const edges: Array<Provenance & { rel: string; to: string; linked: boolean }> = [];
  for (const [rel, cells] of Object.entries(state.e)) for (const [to, cell] of Object.entries(cells)) edges.push({ rel, to, linked: cell.on, ...provenance(cell) });
  return { id: `${state.t}:${state.id}`, fields, edges, ...(state.tomb ? { deleted: provenance(state.tomb) } : {}), ...(state.sp ? { bucketedRelations: Object.keys(state.sp) } : {}) };
}

/** The changes the actor keeps, newest first, optionally between two times (inclusive). */
export function historyView(state: NodeState, node: NodeModel, who: Principal, from?: number, to?: number) {
  const entries = state.h
    .filter((h) => {
      const at = Date.parse(h.at);
      return (from === undefined || at >= from) && (to === undefined || at <= to);
    })
    .sort((a, b) => (a.k < b.k ? 1 : a.k > b.k ? -1 : 0))
    .map((h) => ({
      at: h.at,
      op: h.op,
      ...(h.field ? { field: h.field } : {}),
      ...(h.op === 'set' ? { value: h.field && !canSee(node, h.field, who) ? null : (h.v ?? null) } : {}),
      // Values over HISTORY_VALUE_MAX_CHARS are not kept in history: their size says why value is null.
      ...(h.omitted ? { omittedChars: h.omitted } : {}),
      ...(h.to ? { to: h.to } : {}),
      source: h.src,
      eventId: h.ev,
      ...describeKey(h.k),
    }));
  return { id: `${state.t}:${state.id}`, entries, retained: state.h.length };
}
