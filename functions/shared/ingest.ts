// Shared by the ingest endpoint and the Event Hubs trigger.
import type { DurableHttpClient } from '../../adapters/durable/http-client';
import type { AcceptedEvent, RejectedEvent } from '../../core/ingest/check';
import { groupByNode } from '../../core/ingest/check';
import { reflects } from '../../core/graph/applied';
import type { DeadLetter, DeadLetterStage } from '../../core/ports/dead-letters';
import { newDeadLetterId } from '../../adapters/deadletter/rows';
import { NODE_ENTITY } from '../../actors/messages/node';
import type { NodeState } from '../../core/graph/node-state';
import { WAIT_ENTITY, WaitOp, type WaitState } from '../../actors/messages/wait';
import {
  WAIT_SHARE_ATTRIBUTE,
  WAIT_TOKEN_ATTRIBUTE,
  addShares,
  cut,
  decodeShare,
  encodeShare,
  eventShares,
  isComplete,
  outstanding,
  type Interval,
  type Shares,
} from '../../core/ingest/wait-shares';
import { nodeKeyOf } from '../../core/ingest/check';

/** An event as the mesh keeps it: without the wait attributes a request put on it in passing. */
export function withoutWaitAttributes<T>(event: T): T {
  if (typeof event !== 'object' || event === null || !(WAIT_TOKEN_ATTRIBUTE in event || WAIT_SHARE_ATTRIBUTE in event)) return event;
  const { [WAIT_TOKEN_ATTRIBUTE]: _token, [WAIT_SHARE_ATTRIBUTE]: _share, ...rest } = event as Record<string, unknown>;
  return rest as T;
}

export function deadLettersOf(rejected: RejectedEvent[], stage: DeadLetterStage): DeadLetter[] {
  const at = new Date().toISOString();
  return rejected.map((r) => ({
    id: newDeadLetterId(at),
    at,
    stage,
    reason: r.reason,
    ...(r.id ? { eventId: r.id } : {}),
    ...(r.source ? { source: r.source } : {}),
    payload: withoutWaitAttributes(r.payload),
  }));
}

/** Marks accepted events with the request's token and one share each, for the trigger to pass on. */
export function markForWait(events: Array<Record<string, unknown>>, token: string): void {
  const shares = eventShares(events.length);
  events.forEach((e, i) => {
    e[WAIT_TOKEN_ATTRIBUTE] = token;
    e[WAIT_SHARE_ATTRIBUTE] = encodeShare(shares[i]!);
  });
}

function shareOf(event: unknown): { token: string; share: Interval } | undefined {
  const e = event as Record<string, unknown> | null;
  const token = e?.[WAIT_TOKEN_ATTRIBUTE];
  const share = decodeShare(e?.[WAIT_SHARE_ATTRIBUTE]);
  return typeof token === 'string' && /^[0-9a-f-]{36}$/.test(token) && share ? { token, share } : undefined;
}

/**
 * The shares a trigger batch carries: per node, those of the events it applies (an event that
 * touches several nodes splits its share among them); and those of rejected events, done already.
 */
export function sharesOfBatch(accepted: AcceptedEvent[], rejected: RejectedEvent[]): { byNode: Map<string, Shares>; returned: Shares } {
  const byNode = new Map<string, Shares>();
  const returned: Shares = {};
  for (const a of accepted) {
    const marked = shareOf(a.event);
    if (!marked) continue;
    const nodes = [...new Set(a.nodeEvents.map(nodeKeyOf))];
    if (nodes.length === 0) {
      addShares(returned, { [marked.token]: [marked.share] });
      continue;
    }
    cut(marked.share, nodes.length).forEach((part, i) => byNode.set(nodes[i]!, addShares(byNode.get(nodes[i]!) ?? {}, { [marked.token]: [part] })));
  }
  for (const r of rejected) {
    const marked = shareOf(r.payload);
    if (marked) addShares(returned, { [marked.token]: [marked.share] });
  }
  return { byNode, returned };
}

export interface WaitOutcome {
  applied: boolean;
  ms: number;
  /** On a timeout: what is not done yet. */
  pending?: { nodes: string[]; nodeCount: number; reactionsOutstanding: number };
}

/** The touched nodes whose own events are not applied yet. */
async function unappliedNodes(client: DurableHttpClient, accepted: AcceptedEvent[]): Promise<string[]> {
  const waiting = [...groupByNode(accepted.flatMap((a) => a.nodeEvents))];
  const states = await Promise.all(waiting.map(([key]) => client.read<NodeState>(NODE_ENTITY, key)));
  return waiting.filter(([, events], i) => !events.every((e) => reflects(states[i], e))).map(([key]) => key);
}

/**
 * Polls the request's wait entity until every share is back (every reaction the events caused,
 * all hops and bucket chains included, applied and its document written), or the timeout; then
 * forgets it. On a timeout, says which touched nodes are behind and how much is outstanding.
 */
export async function waitUntilDone(client: DurableHttpClient, token: string, accepted: AcceptedEvent[], timeoutMs: number): Promise<WaitOutcome> {
  const started = Date.now();
  let returned: Interval[] = [];
  try {
    // Read at once, then after 2, 4, 8… ms (up to 250): one event is done within a few ms at idle,
    // a wide spread takes seconds, and a read is cheap next to either.
    for (let pause = 2; ; pause = Math.min(pause * 2, 250)) {
      returned = (await client.read<WaitState>(WAIT_ENTITY, token))?.returned ?? [];
      if (isComplete(returned)) return { applied: true, ms: Date.now() - started };
      if (Date.now() - started + pause > timeoutMs) break;
      await new Promise((r) => setTimeout(r, pause));
    }
    const nodes = await unappliedNodes(client, accepted);
    return {
      applied: false,
      ms: Date.now() - started,
      pending: { nodes: nodes.slice(0, 100), nodeCount: nodes.length, reactionsOutstanding: outstanding(returned) },
    };
  } finally {
    await client.signal(WAIT_ENTITY, token, WaitOp.forget).catch(() => {});
  }
}
