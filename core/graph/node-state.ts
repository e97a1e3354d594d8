// The state one node actor keeps. Short property names: this is parsed and serialized on every
// entity operation, so its size is its cost.
import type { FieldValue } from '../contracts/fields';
import type { OrderKey } from './order';

/** A field's value and the change that set it (null clears the field but keeps its version). */
export interface FieldCell {
  v: FieldValue | null;
  k: OrderKey;
  src: string;
  ev: string;
  at?: string;
}

/** Whether an edge holds, and the link/unlink that decided it (last writer wins by key). */
export interface EdgeCell {
  on: boolean;
  k: OrderKey;
  src: string;
  ev: string;
}

/** What a neighbour told this node about itself; `ver` only grows, so late news never wins. */
export interface NeighbourCell {
  ver: number;
  s: Summary | null;
}

/** What a node tells a neighbour: its id, the fields the neighbour carries, and nested hops. */
export interface Summary {
  id: string;
  f: Record<string, FieldValue | null>;
  r?: Record<string, Summary[]>;
}

export interface HistoryEntry {
  /** When the source says it happened (event time), else when it was applied. */
  at: string;
  ev: string;
  src: string;
  k: OrderKey;
  op: 'set' | 'delete' | 'link' | 'unlink';
  field?: string;
  v?: FieldValue | null;
  /** A value too large for the history (its length in JSON characters): `v` is not kept. */
  omitted?: number;
  to?: string;
}

/** Buckets in use by a spilled relation, as a bitmap in hex: bit n is bucket n (digit n >> 2, bit n & 3). */
export type UsedBuckets = string;

/** The bucket numbers in use, ascending. */
export function usedBuckets(used: UsedBuckets | undefined): number[] {
  if (used === undefined) return [];
  const out: number[] = [];
  for (let d = 0; d < used.length; d++) {
    const bits = parseInt(used[d]!, 16);
    for (let b = 0; b < 4; b++) if (bits & (1 << b)) out.push(d * 4 + b);
  }
  return out;
}

/** The bitmap with bucket `n` added. */
export function withBucket(used: UsedBuckets | undefined, n: number): UsedBuckets {
  let hex = used ?? '';
  const d = n >> 2;
  if (hex.length <= d) hex = hex.padEnd(d + 1, '0');
  const digit = (parseInt(hex[d]!, 16) | (1 << (n & 3))).toString(16);
  return digit === hex[d] ? hex : hex.slice(0, d) + digit + hex.slice(d + 1);
}

/** A node as of its history horizon: history entries that aged out, folded (time travel). */
export interface HistoryBaseline {
  /** The horizon: times before it can no longer be rebuilt. */
  at: string;
  fields: Record<string, { v: FieldValue | null; k: OrderKey; src: string; omitted?: number }>;
  tomb?: { k: OrderKey; src: string };
  /** Inline relations only: a spilled relation's edges are not kept here (unbounded). */
  edges: Record<string, Record<string, { on: boolean; k: OrderKey }>>;
}

export interface NodeState {
  /** Node type and id. */
  type: string;
  id: string;
  fields: Record<string, FieldCell>;
  tomb?: { k: OrderKey; src: string; ev: string; at?: string };
  /** Edges by relation, then by neighbour global id (`Type:id`). */
  edges: Record<string, Record<string, EdgeCell>>;
  /** Neighbour summaries by relation, then neighbour global id. */
  neighbours: Record<string, Record<string, NeighbourCell>>;
  /** Hash of the summary last sent through each relation. */
  sent: Record<string, string>;
  /** Hash of the projection body last handed to the index, and whether it was visible. */
  projected?: string;
  /** Grows with every change; the projection's external version and the reactions' version. */
  ver: number;
  history: HistoryEntry[];
  /**
   * Relations spilled to edge buckets (too many neighbours to keep here): the buckets in use, as a
   * bitmap in hex (see usedBuckets).
   */
  spilled?: Record<string, UsedBuckets>;
  /** History entries that aged out, folded: the node as of its history horizon (time travel). */
  horizon?: HistoryBaseline;
}

/** The length of a field value as JSON, near enough (strings without escapes). */
export function valueChars(value: FieldValue | null | undefined): number {
  if (value === null || value === undefined) return 4;
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'object') return JSON.stringify(value).length;
  return 16;
}

export function emptyNodeState(type: string, id: string): NodeState {
  return { type, id, fields: {}, edges: {}, neighbours: {}, sent: {}, ver: 0, history: [] };
}

export const globalId = (type: string, id: string): string => `${type}:${id}`;

export function parseGlobalId(gid: string): { type: string; id: string } | undefined {
  const colon = gid.indexOf(':');
  if (colon <= 0 || colon === gid.length - 1) return undefined;
  return { type: gid.slice(0, colon), id: gid.slice(colon + 1) };
}

/** What a field shows now: its value, unless cleared (null) or set before the owner's delete. */
export function currentValue(state: NodeState, name: string): FieldValue | undefined {
  const cell = state.fields[name];
  if (!cell || cell.v === null) return undefined;
  if (state.tomb && cell.src === state.tomb.src && cell.k <= state.tomb.k) return undefined;
  return cell.v;
}

/** A node is visible once its owner has set a field after its last delete; until then it is a placeholder. */
export function isVisible(state: NodeState, owner: string): boolean {
  return Object.values(state.fields).some((c) => c.src === owner && (!state.tomb || c.k > state.tomb.k));
}
