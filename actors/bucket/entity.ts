// Durable-functions adapter of the edge bucket entity: per batch, reads state once, merges every
// operation, sets state once, and sends each neighbour only the newest news of the batch.
import * as df from 'durable-functions';
import { NODE_ENTITY } from '../node/messages';
import { registerBatchEntity } from '../batched';
import { applyBucket, newestPerTarget, type BucketEffect } from './logic';
import { BUCKET_ENTITY, type BucketMessage, type BucketState } from './messages';

export function registerBucketEntity(): void {
  registerBatchEntity<{ state: BucketState | undefined; effects: BucketEffect[] }>(BUCKET_ENTITY, {
    begin: (context) => ({ state: context.df.getState() as BucketState | undefined, effects: [] }),
    step(batch, context) {
      const { state, effects } = applyBucket(batch.state, context.df.getInput() as BucketMessage);
      batch.state = state;
      batch.effects.push(...effects);
    },
    end(batch, context) {
      context.df.setState(batch.state);
      for (const e of newestPerTarget(batch.effects)) context.df.signalEntity(new df.EntityId(NODE_ENTITY, e.to), e.message.op, e.message);
    },
  });
}
