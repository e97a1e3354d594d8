// Durable-functions adapter of the edge bucket entity.
import * as df from 'durable-functions';
import { NODE_ENTITY } from '../node/messages';
import { applyBucket } from './logic';
import { BUCKET_ENTITY, type BucketMessage, type BucketState } from './messages';

export function registerBucketEntity(): void {
  df.app.entity(BUCKET_ENTITY, (context) => {
    const { state, effects } = applyBucket(context.df.getState() as BucketState | undefined, context.df.getInput() as BucketMessage);
    context.df.setState(state);
    for (const e of effects) context.df.signalEntity(new df.EntityId(NODE_ENTITY, e.to), e.message.op, e.message);
  });
}
