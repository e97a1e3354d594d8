// Edge buckets: when a node's relation holds more than MAX_INLINE_EDGES neighbours (a Plan with
// a million lines), its edge cells move to bucket entities (key `Owner:id|rel|n`), so the node's
// own state stays small, and its fan-out goes through the buckets, each signalling its share.
import type { EdgeCell, Summary } from '../../core/graph/node-state';

export const BUCKET_ENTITY = 'bucket';
export const BucketOp = { cells: 'cells', fanout: 'fanout' } as const;

/** Neighbours per relation a node keeps in its own state before spilling to buckets. */
export const MAX_INLINE_EDGES = 128;
/** Buckets per spilled relation: a million neighbours is ~1k cells (~100 KB) per bucket. */
export const BUCKETS = 1024;

export type BucketMessage =
  /** Edge cells to merge (last writer wins per neighbour, as on the node). */
  | { op: typeof BucketOp.cells; cells: Array<{ to: string } & EdgeCell> }
  /** The owner's news for every linked neighbour in this bucket (`rel` as the neighbours name it). */
  | { op: typeof BucketOp.fanout; rel: string; from: string; ver: number; summary: Summary | null };

export interface BucketState {
  c: Record<string, EdgeCell>;
}

export const bucketKey = (owner: string, rel: string, n: number): string => `${owner}|${rel}|${n}`;
