// The merge rules of a node, as pure functions on its state. Each returns what it changed, so the
// actor knows whom to tell. Every rule is a last-writer-wins register keyed by OrderKey, which
// makes the result independent of arrival order, duplication and batching.
import type { FieldValue } from '../contracts/fields';
import type { OrderKey } from './order';
import { valueChars, withBucket, type EdgeCell, type HistoryEntry, type NodeState } from './node-state';
import { fnv1a32 } from '../hash';

export interface Origin {
  ev: string;
  src: string;
  k: OrderKey;
  at?: string;
}

function record(state: NodeState, origin: Origin, entry: Omit<HistoryEntry, 'at' | 'ev' | 'src' | 'k'>, now: string): void {
  state.history.push({ at: origin.at ?? now, ev: origin.ev, src: origin.src, k: origin.k, ...entry });
}

/**
 * Values longer than this (JSON characters) are kept in the node but not in its history: a node
 * whose large text changes often would otherwise carry every version of it in its state.
 */
export const HISTORY_VALUE_MAX_CHARS = 4096;

/** Sets fields newer than what the node holds; an upsert older than the owner's delete is ignored. Returns the fields changed. */
export function upsertFields(state: NodeState, fields: Record<string, FieldValue | null>, origin: Origin, now: string): string[] {
  if (state.tomb && state.tomb.src === origin.src && origin.k <= state.tomb.k) return [];
  const changed: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const cell = state.fields[name];
    if (cell && cell.k >= origin.k) continue;
    state.fields[name] = { v: value ?? null, k: origin.k, src: origin.src, ev: origin.ev, ...(origin.at ? { at: origin.at } : {}) };
    changed.push(name);
    const chars = valueChars(value);
    record(state, origin, chars > HISTORY_VALUE_MAX_CHARS ? { op: 'set', field: name, omitted: chars } : { op: 'set', field: name, v: value ?? null }, now);
  }
  return changed;
}

/** Leaves a tombstone: the source's fields set before it are dropped, later ones survive. */
export function deleteNode(state: NodeState, origin: Origin, now: string): boolean {
  if (state.tomb && state.tomb.k >= origin.k) return false;
  state.tomb = { k: origin.k, src: origin.src, ev: origin.ev, ...(origin.at ? { at: origin.at } : {}) };
  for (const [name, cell] of Object.entries(state.fields)) if (cell.src === origin.src && cell.k <= origin.k) delete state.fields[name];
  record(state, origin, { op: 'delete' }, now);
  return true;
}

/**
 * What a link or unlink did to its cell: `flipped`, the edge is new or turned on or off;
 * `reasserted`, it already was so and only its key advanced (a source re-sending a row with the
 * same foreign key); undefined, nothing (the event is older than the cell).
 */
export type EdgeChange = 'flipped' | 'reasserted' | undefined;

/**
 * Links or unlinks `to` through `rel`: a last-writer-wins cell per neighbour. The node actor tells
 * the other end the same on/off and key, so both ends agree (a re-assertion only where that end
 * shows keys: see actors/node/logic.ts).
 * A 'one' relation shows its newest link (see holders()); sources unlink the previous neighbour
 * for that neighbour's side to drop the edge.
 */
export function setEdge(state: NodeState, rel: string, to: string, on: boolean, origin: Origin, now: string): EdgeChange {
  const cells = (state.edges[rel] ??= {});
  const cell = cells[to];
  if (cell && cell.k >= origin.k) return undefined;
  cells[to] = { on, k: origin.k, src: origin.src, ev: origin.ev };
  // History keeps re-assertions too: time travel compares keys across a 'one' relation's cells.
  record(state, origin, { op: on ? 'link' : 'unlink', field: rel, to }, now);
  return cell && cell.on === on ? 'reasserted' : 'flipped';
}

/**
 * A link or unlink on a relation kept in edge buckets: the bucket merges it (last writer wins,
 * with the event's id, source and key); the node remembers the bucket is in use and, for a link
 * of its own (`own`: an event about this node, not the other end's mirror), records it in its
 * history. Mirrors are left out: a Plan with a million lines would otherwise fill its history
 * with them, pushing out its own changes (and time travel skips spilled relations anyway).
 * Returns the bucket.
 */
export function forwardEdge(state: NodeState, rel: string, to: string, on: boolean, origin: Origin, buckets: number, now: string, own: boolean): number {
  const n = fnv1a32(to) % buckets;
  const sp = (state.spilled ??= {});
  sp[rel] = withBucket(sp[rel], n);
  if (own) record(state, origin, { op: on ? 'link' : 'unlink', field: rel, to }, now);
  return n;
}

/** Moves a relation's cells out of the node, grouped by bucket (see forwardEdge). */
export function spillEdges(state: NodeState, rel: string, buckets: number): Map<number, Array<{ to: string } & EdgeCell>> {
  const byBucket = new Map<number, Array<{ to: string } & EdgeCell>>();
  for (const [to, cell] of Object.entries(state.edges[rel] ?? {})) {
    const n = fnv1a32(to) % buckets;
    byBucket.set(n, [...(byBucket.get(n) ?? []), { to, ...cell }]);
  }
  delete state.edges[rel];
  delete state.neighbours[rel];
  // The relation's links leave the history too (time travel skips spilled relations): kept, they
  // would fill it for good, since no new entry of theirs comes to push them out.
  state.history = state.history.filter((h) => h.field !== rel || (h.op !== 'link' && h.op !== 'unlink'));
  if (state.horizon) delete state.horizon.edges[rel];
  (state.spilled ??= {})[rel] = [...byBucket.keys()].reduce<string>((used, n) => withBucket(used, n), '');
  return byBucket;
}

/** Neighbours an edge currently holds: every linked one, or for a 'one' relation the newest link. */
export function holders(state: NodeState, rel: string, one: boolean): string[] {
  const linked = Object.entries(state.edges[rel] ?? {}).filter(([, c]) => c.on);
  if (!one) return linked.map(([gid]) => gid).sort();
  let best: [string, EdgeCell] | undefined;
  for (const entry of linked) if (!best || entry[1].k > best[1].k) best = entry;
  return best ? [best[0]] : [];
}

/** Keeps a neighbour's news when it is newer than what the node holds. */
export function setNeighbour(state: NodeState, rel: string, from: string, ver: number, summary: NodeState['neighbours'][string][string]['s']): boolean {
  const cells = (state.neighbours[rel] ??= {});
  const cell = cells[from];
  if (cell && cell.ver >= ver) return false;
  cells[from] = { ver, s: summary };
  return true;
}
