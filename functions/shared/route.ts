// Routes accepted events to the node entities: one signal per router entity, each carrying its
// nodes' events (and the shares of waiting requests they belong to); routers fan out to nodes
// with entity-to-entity signals. The Event Hubs trigger routes each batch this way, and so does
// `POST /api/events?wait=true`, whose caller waits for the result anyway.
import type { DurableHttpClient } from '../../adapters/durable/http-client';
import { config } from '../../core/config';
import { groupByNode, routerOf, type AcceptedEvent, type RejectedEvent } from '../../core/ingest/check';
import type { NodeEvent } from '../../core/graph/node-event';
import { ROUTER_ENTITY, RouterOp, type RouteMessage } from '../../actors/messages/router';
import { WAIT_ENTITY, WaitOp } from '../../actors/messages/wait';
import { sharesOfBatch } from './ingest';

/** Resolves once every signal is accepted (durable); returns how many nodes and signals. */
export async function routeToEntities(
  client: DurableHttpClient,
  accepted: AcceptedEvent[],
  rejected: RejectedEvent[] = [],
): Promise<{ nodes: number; signals: number }> {
  const routers = config().ingest.routers;
  const byRouter = new Map<number, RouteMessage>();
  const byNode = groupByNode(accepted.flatMap((a) => a.nodeEvents));
  // Events of `?wait=true` requests carry shares: each node's go with its events; a rejected
  // event's come back at once.
  const shares = sharesOfBatch(accepted, rejected);
  for (const [key, events] of byNode) {
    const r = routerOf(key, routers);
    const message = byRouter.get(r) ?? { nodes: {} as Record<string, NodeEvent[]> };
    message.nodes[key] = events;
    const nodeShares = shares.byNode.get(key);
    if (nodeShares) (message.wait ??= {})[key] = nodeShares;
    byRouter.set(r, message);
  }
  const returned = Object.entries(shares.returned);
  await Promise.all([
    ...[...byRouter].map(([r, message]) => client.signal(ROUTER_ENTITY, `r${r}`, RouterOp.route, message)),
    ...returned.map(([token, intervals]) => client.signal(WAIT_ENTITY, token, WaitOp.done, intervals)),
  ]);
  return { nodes: byNode.size, signals: byRouter.size + returned.length };
}
