// Every few seconds: the nodes whose document or dead letters the stores refused are retried
// without waiting for their next event. Each shard of the pending-projection registry that lists
// nodes gets a tick and signals the ones that are due (actors/projections).
import { app } from '@azure/functions';
import { durableClientInput, durableClientOf } from './shared/durable';
import { PENDING_ENTITY, PENDING_SHARDS, PendingOp, type PendingState } from '../actors/messages/projections';

app.timer('projectionRetry', {
  schedule: '*/5 * * * * *',
  extraInputs: [durableClientInput],
  handler: async (_timer, context) => {
    const client = durableClientOf(context);
    const shards = Array.from({ length: PENDING_SHARDS }, (_, n) => `p${n}`);
    const states = await Promise.all(shards.map((key) => client.read<PendingState>(PENDING_ENTITY, key)));
    const now = Date.now();
    await Promise.all(
      shards
        .filter((_, n) => Object.keys(states[n]?.nodes ?? {}).length > 0)
        .map((key) => client.signal(PENDING_ENTITY, key, PendingOp.tick, { op: PendingOp.tick, now })),
    );
  },
});
