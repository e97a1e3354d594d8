// Whether a node's state already reflects an event (applied, or superseded by a newer change):
// what `POST /api/events?wait=true` polls for through the durable client.
import type { NodeEvent } from './node-event';
import type { NodeState } from './node-state';

export function reflects(state: (NodeState & { pendingDoc?: unknown }) | undefined, event: NodeEvent): boolean {
  if (!state || state.pendingDoc) return false;
  const { change, k } = event;
  const deletedSince = state.tomb !== undefined && state.tomb.src === event.source && state.tomb.k >= k;
  switch (change.op) {
    case 'upsert':
      return Object.keys(change.fields).every((name) => (state.fields[name]?.k ?? '') >= k || deletedSince);
    case 'delete':
      return deletedSince;
    default:
      // A spilled relation forwards the cell to its bucket in the operation that applies it,
      // and the node's history records that (so this may time out once history is trimmed, or
      // for a link applied before the relation spilled: spilling drops the relation's entries).
      if (state.spilled?.[change.rel]) return state.history.some((h) => h.k === k);
      return (state.edges[change.rel]?.[`${change.toType}:${change.toId}`]?.k ?? '') >= k;
  }
}
