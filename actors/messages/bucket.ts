// Edge buckets: when a node's relation holds more than MAX_INLINE_EDGES neighbours (a Plan with
// a million lines), its edge cells move to bucket entities (key `Owner:id|rel|n`), so the node's
// own state stays small, and its fan-out goes through the buckets, each signalling its share.
import type { EdgeCell, Summary } from '../../core/graph/node-state';
import type { Shares } from '../../core/ingest/wait-shares';

export const BUCKET_ENTITY = 'bucket';
export const BucketOp = { cells: 'cells', fanout: 'fanout' } as const;

/** Neighbours per relation a node keeps in its own state before spilling to buckets. */
export const MAX_INLINE_EDGES = 128;
/** Buckets per spilled relation: a million neighbours is ~1k cells (~100 KB) per bucket. */
export const BUCKETS = 1024;

export type BucketMessage =
  /**
   * Edge cells to merge (last writer wins per neighbour, as on the node). With `rel` (the relation
   * as the neighbours name it) and `from` (the owner), a cell older than the bucket's and saying
   * otherwise is answered to its neighbour with the bucket's cell: the owner, holding no cells of
   * a spilled relation, told that neighbour the older word (see applyBucket).
   */
  (
    | { op: typeof BucketOp.cells; cells: Array<{ to: string } & EdgeCell>; rel?: string; from?: string }
    /**
     * The owner's news for every linked neighbour in this bucket (`rel` as the neighbours name it);
     * `next`: the buckets of the owner's relation still to tell, in order (see FANOUT_LANES).
     */
    | { op: typeof BucketOp.fanout; rel: string; from: string; ver: number; summary: Summary | null; next?: number[] }
  ) & {
    /** Shares of waiting ingest requests whose work this is (core/ingest/wait-shares.ts). */
    wait?: Shares;
  };

export interface BucketState {
  c: Record<string, EdgeCell>;
}

/**
 * A spilled relation's fan-out runs as this many chains: the owner tells the first bucket of
 * each, and each bucket, once it has signalled its neighbours, hands the news to the next. The
 * neighbours' operations are queued before the next bucket's, so at most about this many
 * buckets' shares (~1k operations each for a million neighbours) wait at a time, however large
 * the degree, and the fan-out is spread over as many rounds as the chain is long.
 */
export const FANOUT_LANES = 8;

export const bucketKey = (owner: string, rel: string, n: number): string => `${owner}|${rel}|${n}`;

/** The key of bucket `n` of the same owner and relation as bucket `key`. */
export const siblingBucket = (key: string, n: number): string => `${key.slice(0, key.lastIndexOf('|'))}|${n}`;

/** The used buckets as FANOUT_LANES chains (each ascending; none empty). */
export function fanoutLanes(used: number[], lanes = FANOUT_LANES): number[][] {
  const out: number[][] = Array.from({ length: Math.min(lanes, used.length) }, () => []);
  used.forEach((n, i) => out[i % out.length]!.push(n));
  return out;
}
