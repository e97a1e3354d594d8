// Durable-functions adapter of the node entity: per batch of operations, reads state once, folds
// each operation into the pure transition, performs its effects (dead letters, projection,
// signals) and sets state once.
import { entityId } from '../entity-id';
import type { CompiledDataProduct } from '../../core/contracts/compile';
import type { Needs } from '../../core/graph/needs';
import type { DeadLetter, DeadLetterStore } from '../../core/ports/dead-letters';
import type { BulkFailure, ProjectionDoc } from '../../core/projection/port';
import { begin, end, step, type NodeBatch } from './logic';
import { registerBatchEntity } from '../batched';
import { NODE_ENTITY, type NodeEffect, type NodeMessage } from '../messages/node';
import { BUCKET_ENTITY } from '../messages/bucket';
import type { NodeState } from '../../core/graph/node-state';
import { fnv1a32 } from '../../core/hash';
import { addShares, type Shares } from '../../core/ingest/wait-shares';
import { PENDING_ENTITY, PendingOp, pendingShardOf } from '../messages/projections';
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
 * State plus what could not be done yet: retried on the node's next operation, and listed in the
 * pending-projection registry (actors/projections) so a timer has it retried without one. The
 * shares of waiting requests whose document is not written yet wait with it (not searchable yet).
 */
type StoredState = NodeState & { pendingDoc?: ProjectionDoc; pendingLetters?: DeadLetter[]; pendingWait?: Shares };

const causeOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** Writes the batch's document and dead letters; returns why something is left pending, if it is. */
async function performIo(effects: NodeEffect[], state: StoredState, deps: NodeEntityDeps, now: string): Promise<string | undefined> {
  let failure: string | undefined;
  const letters: DeadLetter[] = [];
  for (const e of effects) {
    if (e.kind === 'deadLetter')
      letters.push({
        id: deps.newDeadLetterId(now),
        at: now,
        stage: 'actor',
        reason: e.reason,
        eventId: e.event.id,
        source: e.event.source,
        payload: e.event.change,
      });
  }
  const docs = effects.flatMap((e) => (e.kind === 'project' ? [e.doc] : []));
  const doc = docs[docs.length - 1] ?? state.pendingDoc;
  if (doc) {
    try {
      const refused = await deps.project([doc]);
      delete state.pendingDoc;
      for (const f of refused) letters.push({ id: deps.newDeadLetterId(now), at: now, stage: 'projection', reason: f.reason, payload: doc });
    } catch (err) {
      state.pendingDoc = doc; // the store is down: keep it and project again later
      failure = `the search index refused ${doc.id}: ${causeOf(err)}`;
    }
  }
  const toStore = [...(state.pendingLetters ?? []), ...letters];
  if (toStore.length === 0) return failure;
  try {
    await deps.deadLetters().put(toStore);
    delete state.pendingLetters;
  } catch (err) {
    // Never throw from an operation (durable-functions would drop it): keep them for later.
    state.pendingLetters = toStore;
    failure = [failure, `the dead-letter store refused ${toStore.length} letters: ${causeOf(err)}`].filter(Boolean).join('; ');
  }
  return failure;
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
      const ctx = {
        model: product.model,
        needs,
        key: context.df.entityKey,
        now: new Date().toISOString(),
        historyLimit: deps.history.limit,
        historyMaxAgeMs: deps.history.maxAgeMs,
        historyMaxChars: deps.history.maxChars,
      };
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
      const wasPending = Boolean(stored.pendingDoc || stored.pendingLetters);
      const failure = await performIo(effects, stored, deps, open.batch.ctx.now);
      const registry = entityId(PENDING_ENTITY, pendingShardOf(open.batch.ctx.key, fnv1a32));
      if (failure) {
        // Logged each time, with its cause; the registry has the node retried with backoff.
        context.warn(`node ${open.batch.ctx.key}: ${failure}; kept, and retried until written`);
        context.df.signalEntity(registry, PendingOp.add, { op: PendingOp.add, key: open.batch.ctx.key, cause: failure, at: Date.now() });
      } else if (wasPending) {
        context.df.signalEntity(registry, PendingOp.remove, { op: PendingOp.remove, key: open.batch.ctx.key });
      }
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
