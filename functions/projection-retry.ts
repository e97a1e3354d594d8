// Every few seconds: the nodes whose document or dead letters the stores refused are retried
// without waiting for their next event. Each shard of the pending-projection registry that lists
// nodes gets a tick and signals the ones that are due (actors/projections).
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { PENDING_ENTITY, PENDING_SHARDS, PendingOp, type PendingState } from '../actors/projections/messages';

app.timer('projectionRetry', {
  schedule: '*/5 * * * * *',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer, context) => {
    const client = df.getClient(context);
    const shards = Array.from({ length: PENDING_SHARDS }, (_, n) => new df.EntityId(PENDING_ENTITY, `p${n}`));
    const states = await Promise.all(shards.map((id) => client.readEntityState<PendingState>(id)));
    const now = Date.now();
    await Promise.all(shards.filter((_, n) => Object.keys(states[n]?.entityState?.nodes ?? {}).length > 0).map((id) => client.signalEntity(id, PendingOp.tick, { op: PendingOp.tick, now })));
  },
});
