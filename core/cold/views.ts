// Read views of one node's actor state for the cold endpoints: the node with its relations, its
// lineage (provenance of every current value and edge) and its history, with personal data
// masked for callers without the role the contract names. Every view marks a masked value the
// same way: the value is left out and the field is named in `masked`.
// Relations answer what GraphQL answers: a 'one' end its newest link, a 'many' end every linked
// neighbour, read from the edge buckets when the relation spilled there.
import type { NodeModel } from '../contracts/model';
import type { FieldValue } from '../contracts/fields';
import { describeKey } from '../graph/order';
import { holders } from '../graph/merge';
import { currentValue, isVisible, usedBuckets, type EdgeCell, type NodeState } from '../graph/node-state';
import type { Principal } from '../auth/principal';

export interface NodeView {
  id: string;
  type: string;
  key: string;
  fields: Record<string, FieldValue | null>;
  /** Fields hidden from this caller (personal data without the role). */
  masked?: string[];
  /** Global ids of the linked nodes per relation: one id (or null) for a 'one' end, a list for a 'many' end. */
  edges?: Record<string, string | string[] | null>;
}

/** Reads the cells of one edge bucket (key `Owner:id|rel|n`) of a spilled relation. */
export type BucketReader = (key: string) => Promise<{ c: Record<string, EdgeCell> } | undefined>;

/** Whether the node with this global id is visible (exists and is not deleted). */
export type VisibilityReader = (gid: string) => Promise<boolean>;

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
  return { id: `${state.type}:${state.id}`, type: state.type, key: state.id, fields, ...(masked.length ? { masked } : {}) };
}

/** Every cell of a spilled relation, read from its buckets (`concurrency` at a time), by neighbour. */
export async function bucketCells(state: NodeState, rel: string, read: BucketReader, concurrency: number): Promise<Array<[string, EdgeCell]>> {
  const keys = usedBuckets(state.spilled?.[rel]).map((n) => `${state.type}:${state.id}|${rel}|${n}`);
  const out: Array<[string, EdgeCell]> = [];
  for (let i = 0; i < keys.length; i += concurrency) {
    const read_ = await Promise.all(keys.slice(i, i + concurrency).map(read));
    for (const bucket of read_) out.push(...Object.entries(bucket?.c ?? {}));
  }
  return out;
}

/** The neighbours each relation shows, as GraphQL shows them (spilled relations from their buckets). */
export async function relationsOf(
  state: NodeState,
  node: NodeModel,
  read: BucketReader,
  concurrency = 16,
  only?: ReadonlySet<string>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const edge of Object.values(node.edges)) {
    if (only && !only.has(edge.name)) continue;
    if (edge.cardinality === 'many' && state.spilled?.[edge.name]) {
      out[edge.name] = (await bucketCells(state, edge.name, read, concurrency))
        .filter(([, c]) => c.on)
        .map(([to]) => to)
        .sort();
    } else {
      out[edge.name] = holders(state, edge.name, edge.cardinality === 'one');
    }
  }
  return out;
}

/**
 * The node view with its relations: the neighbours GraphQL lists, so links to nodes that are not
 * visible (deleted, or never created) are left out.
 */
export async function nodeWithEdges(
  state: NodeState | undefined,
  node: NodeModel,
  who: Principal,
  read: BucketReader,
  visible: VisibilityReader,
  concurrency = 16,
): Promise<NodeView | undefined> {
  const view = nodeView(state, node, who);
  if (!view || !state) return view;
  const relations = await relationsOf(state, node, read, concurrency);
  const edges: NonNullable<NodeView['edges']> = {};
  for (const edge of Object.values(node.edges)) {
    const ids = relations[edge.name] ?? [];
    const shown: string[] = [];
    for (let i = 0; i < ids.length; i += concurrency) {
      const slice = ids.slice(i, i + concurrency);
      const seen = await Promise.all(slice.map(visible));
      slice.forEach((gid, k) => seen[k] && shown.push(gid));
    }
    edges[edge.name] = edge.cardinality === 'one' ? (shown[0] ?? null) : shown;
  }
  return { ...view, edges };
}

/** A visibility reader that reads each node once (up to `max` remembered), for a long walk such as an export. */
export function rememberVisibility(read: VisibilityReader, max = 100_000): VisibilityReader {
  const known = new Map<string, Promise<boolean>>();
  return (gid) => {
    let answer = known.get(gid);
    if (!answer) {
      if (known.size >= max) known.clear();
      answer = read(gid);
      known.set(gid, answer);
    }
    return answer;
  };
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

export interface EdgeLineage extends Provenance {
  rel: string;
  to: string;
  /** Whether the relation shows this neighbour now (what GraphQL answers). */
  linked: boolean;
  /** A 'one' end's older link still on: the newer link to this node replaced it. */
  supersededBy?: string;
}

/** For every current field value and edge: the source, event id, sequence (or time) that set it. */
export async function lineageView(state: NodeState, node: NodeModel, who: Principal, read: BucketReader) {
  const fields: Record<string, Provenance & { value?: FieldValue | null }> = {};
  const masked: string[] = [];
  for (const [name, cell] of Object.entries(state.fields)) {
    if (!node.fields[name]) continue;
    if (canSee(node, name, who)) fields[name] = { value: cell.v, ...provenance(cell) };
    else {
      fields[name] = provenance(cell);
      masked.push(name);
    }
  }
  const edges: EdgeLineage[] = [];
  for (const edge of Object.values(node.edges)) {
    const cells =
      edge.cardinality === 'many' && state.spilled?.[edge.name] ? await bucketCells(state, edge.name, read, 16) : Object.entries(state.edges[edge.name] ?? {});
    const shown = edge.cardinality === 'one' ? holders(state, edge.name, true)[0] : undefined;
    for (const [to, cell] of cells.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const superseded = edge.cardinality === 'one' && cell.on && shown !== undefined && to !== shown;
      edges.push({ rel: edge.name, to, linked: cell.on && !superseded, ...(superseded ? { supersededBy: shown } : {}), ...provenance(cell) });
    }
  }
  return {
    id: `${state.type}:${state.id}`,
    fields,
    edges,
    ...(masked.length ? { masked } : {}),
    ...(state.tomb ? { deleted: provenance(state.tomb) } : {}),
    ...(state.spilled ? { bucketedRelations: Object.keys(state.spilled) } : {}),
  };
}

/** The changes the actor keeps, newest first, optionally between two times (inclusive). */
export function historyView(state: NodeState, node: NodeModel, who: Principal, from?: number, to?: number) {
  const masked = new Set<string>();
  const entries = state.history
    .filter((h) => {
      const at = Date.parse(h.at);
      return (from === undefined || at >= from) && (to === undefined || at <= to);
    })
    .sort((a, b) => (a.k < b.k ? 1 : a.k > b.k ? -1 : 0))
    .map((h) => {
      const hidden = h.op === 'set' && h.field !== undefined && !canSee(node, h.field, who);
      if (hidden) masked.add(h.field!);
      return {
        at: h.at,
        op: h.op,
        ...(h.field ? { field: h.field } : {}),
        ...(h.op === 'set' && !hidden ? { value: h.v ?? null } : {}),
        ...(hidden ? { masked: true } : {}),
        // Values over HISTORY_VALUE_MAX_CHARS are not kept in history: their size says why value is null.
        ...(h.omitted ? { omittedChars: h.omitted } : {}),
        ...(h.to ? { to: h.to } : {}),
        source: h.src,
        eventId: h.ev,
        ...describeKey(h.k),
      };
    });
  return { id: `${state.type}:${state.id}`, entries, retained: state.history.length, ...(masked.size ? { masked: [...masked].sort() } : {}) };
}
