// The Event Hubs trigger: validates again (sources may publish straight to the hub), dead-letters
// the invalid with their reasons, and routes the batch: one signal per router entity, each
// carrying its nodes' events; routers fan out to nodes with entity-to-entity signals. The
// invocation completes (and the host checkpoints) only after those signals are accepted.
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { config } from '../core/config';
import { createLogger } from '../core/log';
import { checkEvents, groupByNode, routerOf } from '../core/ingest/check';
import type { NodeEvent } from '../core/graph/node-event';
import { ROUTER_ENTITY, RouterOp, type RouteMessage } from '../actors/router/messages';
import { WAIT_ENTITY, WaitOp } from '../actors/wait/messages';
import { dataProduct } from './shared/product';
import { deadLetters } from './shared/services';
import { deadLettersOf, sharesOfBatch } from './shared/ingest';

function decode(message: unknown): unknown {
  if (Buffer.isBuffer(message)) message = message.toString('utf8');
  if (typeof message !== 'string') return message;
  try {
    return JSON.parse(message);
  } catch {
    return message; // rejected below with its reason
  }
}

app.eventHub('ingestTrigger', {
  connection: 'EventHubConnection',
  eventHubName: '%EVENT_HUB_NAME%',
  consumerGroup: '%EVENT_HUB_CONSUMER_GROUP%',
  cardinality: 'many',
  extraInputs: [df.input.durableClient()],
  handler: async (messages, context) => {
    const log = createLogger(context, context.invocationId, config().logLevel);
    const { accepted, rejected } = checkEvents(dataProduct().product, (messages as unknown[]).map(decode));
    if (rejected.length > 0) await deadLetters().put(deadLettersOf(rejected, 'trigger'));
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
    const client = df.getClient(context);
    await Promise.all([
      ...[...byRouter].map(([r, message]) => client.signalEntity(new df.EntityId(ROUTER_ENTITY, `r${r}`), RouterOp.route, message)),
      ...Object.entries(shares.returned).map(([token, intervals]) => client.signalEntity(new df.EntityId(WAIT_ENTITY, token), WaitOp.done, intervals)),
    ]);
    log.info('batch routed', { events: (messages as unknown[]).length, accepted: accepted.length, rejected: rejected.length, nodes: byNode.size, signals: byRouter.size });
  },
});
