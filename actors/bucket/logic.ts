// The bucket as a pure transition: merge edge cells, or fan the owner's news out to its share.
import { NodeOp, type NodeMessage } from '../messages/node';
import { BucketOp, siblingBucket, type BucketMessage, type BucketState } from '../messages/bucket';

export interface BucketEffect {
  to: string;
  message: NodeMessage;
}

export interface BucketOutcome {
  state: BucketState;
  effects: BucketEffect[];
  /** The fan-out handed on to the next bucket of its chain. */
  forward?: { to: string; message: BucketMessage };
}

/** `key`: this bucket's own key (the chain's next bucket is its sibling). */
export function applyBucket(previous: BucketState | undefined, message: BucketMessage, key: string): BucketOutcome {
  const state = previous ?? { c: {} };
  if (message.op === BucketOp.cells) {
    const effects: BucketEffect[] = [];
    for (const { to, ...cell } of message.cells) {
      const current = state.c[to];
      if (!current || current.k < cell.k) state.c[to] = cell;
      else if (current.k > cell.k && current.on !== cell.on && message.rel !== undefined && message.from !== undefined) {
        // The owner cannot tell a stale link or unlink of a spilled relation (its cells are here)
        // and passed it on to the neighbour, who may hold an older key and take it. The newer
        // word goes after it; the neighbour keeps the newer of the two whatever their order.
        effects.push({ to, message: { op: NodeOp.edge, rel: message.rel, to: message.from, on: current.on, k: current.k, src: current.src, ev: current.ev } });
      }
    }
    return { state, effects };
  }
  const effects: BucketEffect[] = [];
  for (const [to, cell] of Object.entries(state.c)) {
    if (cell.on) effects.push({ to, message: { op: NodeOp.neighbour, rel: message.rel, from: message.from, ver: message.ver, summary: message.summary } });
  }
  const [next, ...rest] = message.next ?? [];
  if (next === undefined) return { state, effects };
  return { state, effects, forward: { to: siblingBucket(key, next), message: { ...message, next: rest } } };
}

/**
 * The effects of a batch with, per neighbour and relation, only the newest news of each owner
 * (receivers keep the newest version anyway, so the older ones would change nothing).
 */
export function newestPerTarget(effects: BucketEffect[]): BucketEffect[] {
  const newest = new Map<string, BucketEffect>();
  const out: BucketEffect[] = [];
  for (const e of effects) {
    if (e.message.op !== NodeOp.neighbour) {
      out.push(e);
      continue;
    }
    const key = `${e.to}|${e.message.rel}|${e.message.from}`;
    const seen = newest.get(key);
    if (!seen || (seen.message.op === NodeOp.neighbour && seen.message.ver < e.message.ver)) newest.set(key, e);
  }
  return [...out, ...newest.values()];
}
