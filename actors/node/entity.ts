// Durable-functions adapter of the node entity: per batch of operations, reads state once, folds
// each operation into the pure transition, performs its effects (dead letters, projection,
// signals) and sets state once.
import * as df from 'durable-functions';
import type { CompiledDataProduct } from '../../core/contracts/compile';
import type { Needs } from '../../core/graph/needs';
import type { DeadLetter, DeadLetterStore } from '../../core/ports/dead-letters';
import type { BulkFailure, ProjectionDoc } from '../../core/projection/port';
import { begin, end, step, type NodeBatch } from './logic';
import { registerBatchEntity } from '../batched';
import { NODE_ENTITY, type NodeEffect, type NodeMessage } from './messages';
import { BUCKET_ENTITY } from '../bucket/messages';
import type { NodeState } from './state';

export interface NodeEntityDeps {
  dataProduct(): { product: CompiledDataProduct; needs: Needs };
  deadLetters(): DeadLetterStore;
  /** Durable once resolved; returns the documents refused for good. */
  project(docs: ProjectionDoc[]): Promise<BulkFailure[]>;
  newDeadLetterId(at: string): string;
  history: { limit: number; maxAgeMs: number; maxChars?: number };
}

/** State plus what could not be done yet: retried on the node's next operation. */
type StoredState = NodeState & { pendingDoc?: ProjectionDoc; pendingLetters?: DeadLetter[] };

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

export function registerNodeEntity(deps: NodeEntityDeps): void {
  registerBatchEntity<NodeBatch>(NODE_ENTITY, {
    begin(context) {
      const { product, needs } = deps.dataProduct();
      const ctx = { model: product.model, needs, key: context.df.entityKey, now: new Date().toISOString(), historyLimit: deps.history.limit, historyMaxAgeMs: deps.history.maxAgeMs, historyMaxChars: deps.history.maxChars };
      return begin(context.df.getState() as StoredState | undefined, ctx);
    },
    step(batch, context) {
      step(batch, context.df.getInput() as NodeMessage);
    },
    async end(batch, context) {
      const { state, effects } = end(batch);
      await performIo(effects, state as StoredState, deps, batch.ctx.now);
      context.df.setState(state);
      for (const e of effects) {
        if (e.kind === 'signal') context.df.signalEntity(new df.EntityId(NODE_ENTITY, e.to), e.message.op, e.message);
        else if (e.kind === 'bucket') context.df.signalEntity(new df.EntityId(BUCKET_ENTITY, e.to), e.message.op, e.message);
      }
    },
  });
}
