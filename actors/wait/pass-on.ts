// The one rule every entity follows for waiting requests' shares (core/ingest/wait-shares.ts):
// the shares a batch received go, split, with the messages it sends; a batch that sends none
// returns them to the requests' wait entities.
import { entityId } from '../entity-id';
import type { EntityContext } from 'durable-functions';
import { addShares, hasShares, splitShares, type Shares } from '../../core/ingest/wait-shares';
import { WAIT_ENTITY, WaitOp } from '../messages/wait';

export interface Outgoing {
  entity: string;
  key: string;
  op: string;
  message: { wait?: Shares } & object;
}

/** The shares an operation's input carries, added into `into`. */
export function collectShares(into: Shares, input: unknown): Shares {
  return addShares(into, (input as { wait?: Shares } | null | undefined)?.wait);
}

/** Returns shares to their requests' wait entities. */
export function returnShares(context: EntityContext<unknown>, shares: Shares): void {
  for (const [token, intervals] of Object.entries(shares)) context.df.signalEntity(entityId(WAIT_ENTITY, token), WaitOp.done, intervals);
}

/** Sends `outgoing` in order, each with a part of `shares`; with nothing to send, returns the shares. */
export function sendWithShares(context: EntityContext<unknown>, outgoing: readonly Outgoing[], shares: Shares): void {
  if (!hasShares(shares)) {
    for (const o of outgoing) context.df.signalEntity(entityId(o.entity, o.key), o.op, o.message);
    return;
  }
  if (outgoing.length === 0) return returnShares(context, shares);
  const parts = splitShares(shares, outgoing.length);
  outgoing.forEach((o, i) => context.df.signalEntity(entityId(o.entity, o.key), o.op, { ...o.message, wait: parts[i] }));
}
