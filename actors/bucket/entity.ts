// Durable-functions adapter of the edge bucket entity: per batch, reads state once, merges every
// operation, sets state once, sends each neighbour only the newest news of the batch, then hands
// each fan-out on to the next bucket of its chain.
import * as df from 'durable-functions';
import { NODE_ENTITY } from '../node/messages';
import { registerBatchEntity } from '../batched';
import { applyBucket, newestPerTarget, type BucketEffect } from './logic';
import { BUCKET_ENTITY, type BucketMessage, type BucketState } from './messages';

export function registerBucketEntity(): void {
  registerBatchEntity<{ state: BucketState | undefined; effects: BucketEffect[]; forwards: Array<{ to: string; message: BucketMessage }> }>(BUCKET_ENTITY, {
    begin: (context) => ({ state: context.df.getState() as BucketState | undefined, effects: [], forwards: [] }),
    step(batch, context) {
      const { state, effects, forward } = applyBucket(batch.state, context.df.getInput() as BucketMessage, context.df.entityKey);
      batch.state = state;
      batch.effects.push(...effects);
      if (forward) batch.forwards.push(forward);
    },
    end(batch, context) {
      context.df.setState(batch.state);
      for (const e of newestPerTarget(batch.effects)) context.df.signalEntity(new df.EntityId(NODE_ENTITY, e.to), e.message.op, e.message);
      // After the neighbours' signals, so the next bucket of the chain queues behind them.
      for (const f of batch.forwards) context.df.signalEntity(new df.EntityId(BUCKET_ENTITY, f.to), f.message.op, f.message);
    },
  });
}
