// Durable-functions adapter of the edge bucket entity: per batch, reads state once, merges every
// operation, sets state once, sends each neighbour only the newest news of the batch, then hands
// each fan-out on to the next bucket of its chain.
import { NODE_ENTITY } from '../messages/node';
import { registerBatchEntity } from '../batched';
import { applyBucket, newestPerTarget, type BucketEffect } from './logic';
import { BUCKET_ENTITY, type BucketMessage, type BucketState } from '../messages/bucket';
import type { Shares } from '../../core/ingest/wait-shares';
import { collectShares, sendWithShares } from '../wait/pass-on';

export function registerBucketEntity(): void {
  registerBatchEntity<{ state: BucketState | undefined; effects: BucketEffect[]; forwards: Array<{ to: string; message: BucketMessage }>; wait: Shares }>(
    BUCKET_ENTITY,
    {
      begin: (context) => ({ state: context.df.getState() as BucketState | undefined, effects: [], forwards: [], wait: {} }),
      step(batch, context) {
        const input = context.df.getInput() as BucketMessage;
        collectShares(batch.wait, input);
        const { state, effects, forward } = applyBucket(batch.state, { ...input, wait: undefined }, context.df.entityKey);
        batch.state = state;
        batch.effects.push(...effects);
        if (forward) batch.forwards.push(forward);
      },
      end(batch, context) {
        context.df.setState(batch.state);
        // The neighbours' signals first, so the next bucket of the chain queues behind them.
        const outgoing = [
          ...newestPerTarget(batch.effects).map((e) => ({ entity: NODE_ENTITY, key: e.to, op: e.message.op, message: e.message })),
          ...batch.forwards.map((f) => ({ entity: BUCKET_ENTITY, key: f.to, op: f.message.op, message: f.message })),
        ];
        sendWithShares(context, outgoing, batch.wait);
      },
    },
  );
}
