// The router entity: a small fixed set of them (key r0..rN) fan an ingest batch out to node
// entities with entity-to-entity signals, which travel in the batch result, instead of one
// durable client HTTP call per node from the Event Hubs trigger.
import type { NodeEvent } from '../../core/graph/node-event';
import type { Shares } from '../../core/ingest/wait-shares';

export const ROUTER_ENTITY = 'router';
export const RouterOp = { route: 'route' } as const;

export interface RouteMessage {
  /** Node events by node key `Type:id`, each list in arrival order. */
  nodes: Record<string, NodeEvent[]>;
  /** Per node key: the shares of waiting ingest requests its events carry. */
  wait?: Record<string, Shares>;
}
