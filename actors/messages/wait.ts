// The wait entity: one per `POST /api/events?wait=true` request (key: the request's token). The
// work its events caused returns its shares here (see core/ingest/wait-shares.ts); the request
// polls the state until they cover the whole, then forgets it.
import type { Interval } from '../../core/ingest/wait-shares';

export const WAIT_ENTITY = 'wait';

export const WaitOp = {
  /** Parts of the request whose work is done. */
  done: 'done',
  /** The request has its answer: drop the state. */
  forget: 'forget',
} as const;

export interface WaitState {
  /** The returned parts, merged. */
  returned: Interval[];
}
