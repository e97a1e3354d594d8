// The pending-projection registry as a pure transition.
import { PendingOp, retryAfterMs, type PendingMessage, type PendingState } from '../messages/projections';

/** Applies one message; returns the nodes to signal (a tick's due nodes). */
export function applyPending(state: PendingState, message: PendingMessage): string[] {
  switch (message.op) {
    case PendingOp.add: {
      const entry = state.nodes[message.key];
      if (entry) entry.cause = message.cause;
      else state.nodes[message.key] = { since: message.at, attempts: 0, next: message.at + retryAfterMs(0), cause: message.cause };
      return [];
    }
    case PendingOp.remove:
      delete state.nodes[message.key];
      return [];
    case PendingOp.tick: {
      const due: string[] = [];
      for (const [key, entry] of Object.entries(state.nodes)) {
        if (entry.next > message.now) continue;
        due.push(key);
        entry.attempts++;
        entry.next = message.now + retryAfterMs(entry.attempts);
      }
      return due;
    }
  }
}

/** How many nodes wait, and since when the oldest has (for /api/health). */
export function pendingSummary(states: Array<PendingState | undefined>, now: number): { documents: number; oldestMs: number } {
  let documents = 0;
  let oldest = now;
  for (const state of states) {
    for (const entry of Object.values(state?.nodes ?? {})) {
      documents++;
      oldest = Math.min(oldest, entry.since);
    }
  }
  return { documents, oldestMs: now - oldest };
}
