// Time travel from a node's bounded history. Entries that age out of the history are folded into
// a baseline (the node as of the newest dropped entry), so the node at any time since that
// horizon is the baseline plus the retained entries up to that time, in version order.
import { valueChars, type EdgeCell, type FieldCell, type HistoryBaseline, type HistoryEntry, type NodeState } from './node-state';

function fold(base: HistoryBaseline, entry: HistoryEntry, spilled: ReadonlySet<string>): void {
  if (entry.op === 'set' && entry.field) {
    const cell = base.fields[entry.field];
    if (!cell || cell.k < entry.k)
      base.fields[entry.field] = { v: entry.v ?? null, k: entry.k, src: entry.src, ...(entry.omitted ? { omitted: entry.omitted } : {}) };
  } else if (entry.op === 'delete') {
    if (!base.tomb || base.tomb.k < entry.k) base.tomb = { k: entry.k, src: entry.src };
    for (const [name, cell] of Object.entries(base.fields)) if (cell.src === entry.src && cell.k <= entry.k) delete base.fields[name];
  } else if (entry.field && entry.to && !spilled.has(entry.field)) {
    const cells = (base.edges[entry.field] ??= {});
    const cell = cells[entry.to];
    if (!cell || cell.k < entry.k) cells[entry.to] = { on: entry.op === 'link', k: entry.k };
  }
}

/** Characters of field values the history keeps by default (HistoryEntry.v), besides the count and age limits. */
export const HISTORY_MAX_CHARS = 65_536;

/**
 * Removes the oldest entries past the limits (count, age, and `maxChars` of values), folding
 * them into the baseline.
 */
export function trimHistory(state: NodeState, limit: number, maxAgeMs: number, now: string, maxChars = HISTORY_MAX_CHARS): void {
  const cutoff = Date.parse(now) - maxAgeMs;
  state.history.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  let drop = Math.max(0, state.history.length - limit);
  while (drop < state.history.length && Date.parse(state.history[drop]!.at) < cutoff) drop++;
  let chars = 0;
  for (let i = drop; i < state.history.length; i++) chars += state.history[i]!.v === undefined ? 0 : valueChars(state.history[i]!.v);
  while (chars > maxChars && drop < state.history.length) {
    const v = state.history[drop++]!.v;
    if (v !== undefined) chars -= valueChars(v);
  }
  if (drop === 0) return;
  const spilled = new Set(Object.keys(state.spilled ?? {}));
  const base: HistoryBaseline = state.horizon ?? { at: '', fields: {}, edges: {} };
  for (const entry of state.history.splice(0, drop)) {
    fold(base, entry, spilled);
    if (entry.at > base.at) base.at = entry.at;
  }
  state.horizon = base;
}

export class BeforeHistory extends Error {
  constructor(readonly horizon: string) {
    super(`history goes back to ${horizon}`);
  }
}

/**
 * The node as it was at `time` (ms since the epoch): a state with the fields and inline edges it
 * had then. Throws BeforeHistory for a time older than what the history keeps.
 */
export function stateAsOf(state: NodeState, time: number): NodeState {
  if (state.horizon && time < Date.parse(state.horizon.at)) throw new BeforeHistory(state.horizon.at);
  const base: HistoryBaseline = state.horizon ? structuredClone(state.horizon) : { at: '', fields: {}, edges: {} };
  const spilled = new Set(Object.keys(state.spilled ?? {}));
  for (const entry of [...state.history].sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))) if (Date.parse(entry.at) <= time) fold(base, entry, spilled);
  const f: Record<string, FieldCell> = {};
  for (const [name, cell] of Object.entries(base.fields)) {
    // A value too large for the history is known only while it is still the node's value.
    const v = cell.omitted && state.fields[name]?.k === cell.k ? state.fields[name]!.v : cell.v;
    f[name] = { v, k: cell.k, src: cell.src, ev: '' };
  }
  const e: Record<string, Record<string, EdgeCell>> = {};
  for (const [rel, cells] of Object.entries(base.edges))
    e[rel] = Object.fromEntries(Object.entries(cells).map(([to, c]) => [to, { on: c.on, k: c.k, src: '', ev: '' }]));
  return {
    type: state.type,
    id: state.id,
    fields: f,
    edges: e,
    neighbours: {},
    sent: {},
    ver: state.ver,
    history: [],
    ...(base.tomb ? { tomb: { ...base.tomb, ev: '' } } : {}),
  };
}
