// Operations of the node entity (one entity per graph node, key `Type:id`).
import type { NodeEvent } from '../../core/graph/node-event';
import type { OrderKey } from '../../core/graph/order';
import type { Summary } from '../../core/graph/node-state';
import type { ProjectionDoc } from '../../core/projection/port';
import type { BucketMessage } from './bucket';
import type { Shares } from '../../core/ingest/wait-shares';

export const NODE_ENTITY = 'node';

export const NodeOp = {
  /** Events for this node from one ingest batch, in arrival order. */
  apply: 'apply',
  /** The other end of an edge changed (link/unlink mirrored). */
  edge: 'edge',
  /** A neighbour's news about itself (a reaction). */
  neighbour: 'neighbour',
  /** Write what is pending (a document or dead letters the stores refused before). */
  reproject: 'reproject',
} as const;

export type { NodeEvent };

export type NodeMessage = (
  | { op: typeof NodeOp.apply; events: NodeEvent[] }
  /** The other end of a link/unlink; a link carries the linker's summary when the receiver needs it. */
  | { op: typeof NodeOp.edge; rel: string; to: string; on: boolean; k: OrderKey; src: string; ev: string; ver?: number; summary?: Summary | null }
  | { op: typeof NodeOp.neighbour; rel: string; from: string; ver: number; summary: Summary | null }
  | { op: typeof NodeOp.reproject }
) & {
  /** Shares of waiting ingest requests whose work this is (core/ingest/wait-shares.ts). */
  wait?: Shares;
};

export type NodeEffect =
  | { kind: 'signal'; to: string; message: NodeMessage }
  | { kind: 'bucket'; to: string; message: BucketMessage }
  | { kind: 'deadLetter'; event: NodeEvent; reason: string }
  | { kind: 'project'; doc: ProjectionDoc };
