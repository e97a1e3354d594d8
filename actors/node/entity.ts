// Durable-functions adapter of the node entity: per batch of operations, reads state once, folds
// each operation into the pure transition, performs its effects (dead letters, projection,
// signals) and sets state once.
import type { CompiledDataProduct } from '../../core/contracts/compile';
import type { Needs } from '../../core/graph/needs';
import type { DeadLetter, DeadLetterStore } from '../../core/ports/dead-letters';
import type { BulkFailure, ProjectionDoc } from '../../core/projection/port';
import { begin, end, step, type NodeBatch } from './logic';
import { registerBatchEntity } from '../batched';
import { NODE_ENTITY, type NodeEffect, type NodeMessage } from './messages';
import { BUCKET_ENTITY } from '../bucket/messages';
import type { NodeState } from './state';
import { addShares, type Shares } from '../../core/ingest/wait-shares';
import { collectShares, sendWithShares, type Outgoing } from '../wait/pass-on';

export interface NodeEntityDeps {
  dataProduct(): { product: CompiledDataProduct; needs: Needs };
  deadLetters(): DeadLetterStore;
  /** Durable once resolved; returns the documents refused for good. */
  project(docs: ProjectionDoc[]): Promise<BulkFailure[]>;
  newDeadLetterId(at: string): string;
  history: { limit: number; maxAgeMs: number; maxChars?: number };
}

/**
 * State plus what could not be done yet: retried on the node's next operation. The shares of
 * waiting requests whose document is not written yet wait with it (it is not searchable).
 */
type StoredState = NodeState & { pendingDoc?: ProjectionDoc; pendingLetters?: DeadLetter[]; pendingWait?: Shares };

async function performIo(effects: NodeEffect[], state: StoredState, deps: NodeEntityDeps, now: string): Promise<void> {
  const letters: DeadLetter[] = [];
  for (const e of effects) {
    if (e.kind === 'deadLetter') letters.push({ id: deps.newDeadLetterId(now), at: now, stage: 'actor', reason: e.reason, eventId: e.event.id, source: e.event.source, payload: e.event.change });
  }
  const docs = effects.flatMap((e) => (e.kind === 'project' ? [e.doc] : []));
  const doc = docs[docs.length - 1] ?? state.pendingDoc;
  if (doc) {
    try {
      const refused = await deps.project([doc]);
      delete state.pendingDoc;
      for (const f of refused) letters.push({ id: deps.newDeadLetterId(now), at: now, stage: 'projection', reason: f.reason, payload: doc });
    } catch {
      state.pendingDoc = doc; // the store is down: keep it and project again on the next operation
    }
  }
  const toStore = [...(state.pendingLetters ?? []), ...letters];
  if (toStore.length === 0) return;
  try {
    await deps.deadLetters().put(toStore);
    delete state.pendingLetters;
  } catch {
    // Never throw from an operation (durable-functions would drop it): keep them for next time.
    state.pendingLetters = toStore;
  }
}

function outgoingOf(effects: NodeEffect[]): Outgoing[] {
  const out: Outgoing[] = [];
  for (const e of effects) {
    if (e.kind === 'signal') out.push({ entity: NODE_ENTITY, key: e.to, op: e.message.op, message: e.message });
    else if (e.kind === 'bucket') out.push({ entity: BUCKET_ENTITY, key: e.to, op: e.message.op, message: e.message });
  }
  return out;
}

export function registerNodeEntity(deps: NodeEntityDeps): void {
  registerBatchEntity<{ batch: NodeBatch; wait: Shares }>(NODE_ENTITY, {
    begin(context) {
      const { product, needs } = deps.dataProduct();
      const ctx = { model: product.model, needs, key: context.df.entityKey, now: new Date().toISOString(), historyLimit: deps.history.limit, historyMaxAgeMs: deps.history.maxAgeMs, historyMaxChars: deps.history.maxChars };
      return { batch: begin(context.df.getState() as StoredState | undefined, ctx), wait: {} };
    },
    step(open, context) {
      const input = context.df.getInput() as NodeMessage;
      collectShares(open.wait, input);
      step(open.batch, input);
    },
    async end(open, context) {
      const { state, effects } = end(open.batch);
      const stored = state as StoredState;
      await performIo(effects, stored, deps, open.batch.ctx.now);
      // Shares of a request wait for its document: they go on once no document is pending.
      let shares = open.wait;
      if (stored.pendingDoc) {
        stored.pendingWait = addShares(stored.pendingWait ?? {}, shares);
        shares = {};
      } else if (stored.pendingWait) {
        shares = addShares(shares, stored.pendingWait);
        delete stored.pendingWait;
      }
      context.df.setState(state);
      sendWithShares(context, outgoingOf(effects), shares);
    },
  });
}
