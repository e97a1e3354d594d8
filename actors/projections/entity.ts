// Durable-functions adapter of the pending-projection registry: a batch of messages folds into
// one state; a tick signals the due nodes to write again.
import { entityId } from '../entity-id';
import { registerBatchEntity } from '../batched';
import { NODE_ENTITY, NodeOp } from '../messages/node';
import { applyPending } from './logic';
import { PENDING_ENTITY, type PendingMessage, type PendingState } from '../messages/projections';

export function registerPendingEntity(): void {
  registerBatchEntity<{ state: PendingState; due: Set<string> }>(PENDING_ENTITY, {
    begin: (context) => ({ state: (context.df.getState() as PendingState | undefined) ?? { nodes: {} }, due: new Set() }),
    step(batch, context) {
      for (const key of applyPending(batch.state, context.df.getInput() as PendingMessage)) batch.due.add(key);
    },
    end(batch, context) {
      if (Object.keys(batch.state.nodes).length === 0) context.df.destructOnExit();
      else context.df.setState(batch.state);
      for (const key of batch.due) context.df.signalEntity(entityId(NODE_ENTITY, key), NodeOp.reproject, { op: NodeOp.reproject });
    },
  });
}
