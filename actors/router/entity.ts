// Durable-functions adapter of the router entity: stateless; per batch, one signal per node it
// routes (a node's events of several route operations go in one signal, in arrival order).
import { registerBatchEntity } from '../batched';
import { entityId } from '../entity-id';
import { addShares, type Shares } from '../../core/ingest/wait-shares';
import type { NodeEvent } from '../../core/graph/node-event';
import { NODE_ENTITY, NodeOp, type NodeMessage } from '../messages/node';
import { ROUTER_ENTITY, type RouteMessage } from '../messages/router';

export function registerRouterEntity(): void {
  registerBatchEntity<Map<string, { events: NodeEvent[]; wait?: Shares }>>(ROUTER_ENTITY, {
    begin: () => new Map(),
    step(nodes, context) {
      const { nodes: routed, wait } = (context.df.getInput() ?? { nodes: {} }) as RouteMessage;
      for (const [key, events] of Object.entries(routed)) {
        const entry = nodes.get(key) ?? { events: [] };
        entry.events.push(...events);
        // A node's events carry the shares of waiting requests they belong to (the trigger split them).
        if (wait?.[key]) entry.wait = addShares(entry.wait ?? {}, wait[key]);
        nodes.set(key, entry);
      }
    },
    end(nodes, context) {
      for (const [key, { events, wait }] of nodes) {
        const message: NodeMessage = { op: NodeOp.apply, events, ...(wait ? { wait } : {}) };
        context.df.signalEntity(entityId(NODE_ENTITY, key), NodeOp.apply, message);
      }
    },
  });
}
