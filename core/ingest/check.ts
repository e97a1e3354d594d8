// Validation and mapping of incoming events into per-node work: every event is either accepted
// (with the node events it becomes) or rejected with its reasons; nothing is dropped silently.
import type { CompiledDataProduct } from '../contracts/compile';
import { eventToChange, type CloudEvent } from '../contracts/changes';
import { orderKey } from '../graph/order';
import type { NodeEvent } from '../graph/node-event';
import { fnv1a32 } from '../hash';
import { NODE_ID_RULE, isValidNodeId } from './node-id';

export interface AcceptedEvent {
  index: number;
  event: CloudEvent;
  nodeEvents: NodeEvent[];
}

export interface RejectedEvent {
  index: number;
  id?: string;
  source?: string;
  reason: string;
  payload: unknown;
}

function idOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

export function checkEvents(product: CompiledDataProduct, raw: readonly unknown[]): { accepted: AcceptedEvent[]; rejected: RejectedEvent[] } {
  const accepted: AcceptedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  raw.forEach((input, index) => {
    const reject = (reason: string) => {
      const id = idOf(input);
      const source = (input as { source?: unknown } | null)?.source;
      rejected.push({ index, ...(id ? { id } : {}), ...(typeof source === 'string' ? { source } : {}), reason, payload: input });
    };
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return reject('an event must be a JSON object (a CloudEvent)');
    const mapped = product.mapEvent(input);
    if (!mapped.ok) return reject(mapped.reasons.join('; '));
    const nodeEvents: NodeEvent[] = [];
    for (const e of mapped.events) {
      const k = orderKey(e.sequence, e.time, e.id);
      if (k === undefined) return reject(`${e.id}: needs a sequence (a non-negative integer or a decimal string of up to 40 digits) or a time (RFC 3339)`);
      const change = eventToChange(e);
      if (!change) return reject(`${e.id}: mapping produced no valid change`);
      if (!isValidNodeId(change.id)) return reject(`${e.id}: subject ${JSON.stringify(change.id.slice(0, 40))}: ${NODE_ID_RULE}`);
      if ((change.op === 'link' || change.op === 'unlink') && !isValidNodeId(change.toId))
        return reject(`${e.id}: data.to ${JSON.stringify(change.toId.slice(0, 40))}: ${NODE_ID_RULE}`);
      nodeEvents.push({ id: e.id, source: e.source, k, ...(e.time ? { time: e.time } : {}), change });
    }
    accepted.push({ index, event: input as CloudEvent, nodeEvents });
  });
  return { accepted, rejected };
}

/** Global node key `Type:id` of a change. */
export const nodeKeyOf = (e: NodeEvent): string => `${e.change.type}:${e.change.id}`;

/** Node events grouped per node, in arrival order: one operation per node per batch. */
export function groupByNode(events: Iterable<NodeEvent>): Map<string, NodeEvent[]> {
  const byNode = new Map<string, NodeEvent[]>();
  for (const e of events) {
    const key = nodeKeyOf(e);
    const list = byNode.get(key);
    if (list) list.push(e);
    else byNode.set(key, [e]);
  }
  return byNode;
}

/** Which of `routers` router entities fans out work for a node (stable hash of its key). */
export function routerOf(nodeKey: string, routers: number): number {
  return fnv1a32(nodeKey) % routers;
}
