// Shared by the ingest endpoint and the Event Hubs trigger.
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { AcceptedEvent, RejectedEvent } from '../../core/ingest/check';
import { groupByNode } from '../../core/ingest/check';
import { reflects } from '../../core/graph/applied';
import type { DeadLetter, DeadLetterStage } from '../../core/ports/dead-letters';
import { newDeadLetterId } from '../../adapters/deadletter/table';
import { NODE_ENTITY } from '../../actors/node/messages';
import { entityKeyInUrl } from '../../adapters/durable/http-client';
import type { NodeState } from '../../actors/node/state';

export function deadLettersOf(rejected: RejectedEvent[], stage: DeadLetterStage): DeadLetter[] {
  const at = new Date().toISOString();
  return rejected.map((r) => ({ id: newDeadLetterId(at), at, stage, reason: r.reason, ...(r.id ? { eventId: r.id } : {}), ...(r.source ? { source: r.source } : {}), payload: r.payload }));
}

/** Polls the touched nodes through the durable client until each reflects its events, or the timeout. */
export async function waitUntilApplied(client: DurableClient, accepted: AcceptedEvent[], timeoutMs: number): Promise<{ applied: boolean; ms: number }> {
  const started = Date.now();
  let waiting = [...groupByNode(accepted.flatMap((a) => a.nodeEvents))];
  for (let pause = 20; waiting.length > 0; pause = Math.min(pause * 2, 500)) {
    const states = await Promise.all(waiting.map(([key]) => client.readEntityState<NodeState>(new df.EntityId(NODE_ENTITY, entityKeyInUrl(key)))));
    waiting = waiting.filter(([, events], i) => !events.every((e) => reflects(states[i]!.entityState, e)));
    if (waiting.length === 0) break;
    if (Date.now() - started + pause > timeoutMs) return { applied: false, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, pause));
  }
  return { applied: true, ms: Date.now() - started };
}
