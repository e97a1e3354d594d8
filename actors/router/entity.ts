// Durable-functions adapter of the router entity: stateless, one signal per node it routes.
import * as df from 'durable-functions';
import { NODE_ENTITY, NodeOp, type NodeMessage } from '../node/messages';
import { ROUTER_ENTITY, type RouteMessage } from './messages';

export function registerRouterEntity(): void {
  df.app.entity(ROUTER_ENTITY, (context) => {
    const { nodes, wait } = (context.df.getInput() ?? { nodes: {} }) as RouteMessage;
    for (const [key, events] of Object.entries(nodes)) {
      // A node's events carry the shares of waiting requests they belong to (the trigger split them).
      const shares = wait?.[key];
      const message: NodeMessage = { op: NodeOp.apply, events, ...(shares ? { wait: shares } : {}) };
      context.df.signalEntity(new df.EntityId(NODE_ENTITY, key), NodeOp.apply, message);
    }
  });
}
