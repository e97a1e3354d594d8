// Durable-functions adapter of the wait entity: a batch of returned parts merges into one state.
import { registerBatchEntity } from '../batched';
import { union, type Interval } from '../../core/ingest/wait-shares';
import { WAIT_ENTITY, WaitOp, type WaitState } from '../messages/wait';

export function registerWaitEntity(): void {
  registerBatchEntity<{ returned: Interval[]; forget: boolean }>(WAIT_ENTITY, {
    begin: (context) => ({ returned: (context.df.getState() as WaitState | undefined)?.returned ?? [], forget: false }),
    step(batch, context) {
      if (context.df.operationName === WaitOp.forget) batch.forget = true;
      else if (context.df.operationName === WaitOp.done) batch.returned = union(batch.returned, (context.df.getInput() as Interval[] | undefined) ?? []);
    },
    end(batch, context) {
      if (batch.forget) context.df.destructOnExit();
      else context.df.setState({ returned: batch.returned } satisfies WaitState);
    },
  });
}
