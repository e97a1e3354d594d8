// The pending-projection registry: nodes whose search document (or dead letters) could not be
// written are listed here, in a few shards (key p0..pN by the node key's hash), so they are
// retried without waiting for their next event: a timer ticks every shard that has entries, and a
// shard signals each node that is due to write again, backing off per node.
export const PENDING_ENTITY = 'projections';
export const PENDING_SHARDS = 8;

export const PendingOp = {
  /** A node could not write its document: list it (or keep it listed, with the new cause). */
  add: 'add',
  /** A node wrote what it had pending. */
  remove: 'remove',
  /** The timer: signal the nodes that are due. */
  tick: 'tick',
} as const;

export type PendingMessage =
  | { op: typeof PendingOp.add; key: string; cause: string; at: number }
  | { op: typeof PendingOp.remove; key: string }
  | { op: typeof PendingOp.tick; now: number };

export interface PendingEntry {
  /** When the node first failed to write (ms since the epoch). */
  since: number;
  /** Retries asked for so far. */
  attempts: number;
  /** When the next retry is due. */
  next: number;
  cause: string;
}

export interface PendingState {
  nodes: Record<string, PendingEntry>;
}

/** A node's pending entry lives in this shard. */
export function pendingShardOf(nodeKey: string, hash: (s: string) => number): string {
  return `p${hash(nodeKey) % PENDING_SHARDS}`;
}

/** The pause before retry `attempts` + 1: one second, doubling, at most a minute. */
export const retryAfterMs = (attempts: number): number => Math.min(60_000, 1000 * 2 ** Math.min(attempts, 6));
