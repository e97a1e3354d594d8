// A dead letter as a table row, and back: shared by the SDK store (table.ts) and the plain-fetch
// one (table-rest.ts). Rows are keyed by day and time, so listing is oldest first.
import { randomUUID } from 'node:crypto';
import type { DeadLetter } from '../../core/ports/dead-letters';
import { StateTooLargeError, getChunks, putChunks, tableSafe } from '../tables/chunks';

export const DEAD_LETTER_TABLE = 'meshgraphdeadletters';

/** A dead letter's id: its day (the row's partition), its time and a random part. */
export function newDeadLetterId(at: string): string {
  return `${at.slice(0, 10)}|${at}|${randomUUID()}`;
}

const partitionOf = (id: string) => id.slice(0, 10);

/** Characters of a payload kept when the whole is too large for its row. */
const TRUNCATED_PAYLOAD_CHARS = 200_000;

/**
 * The row of a dead letter; the payload is split across properties like entity state. A payload
 * too large for a row is kept truncated (`{truncated, chars, head}`): a letter must never fail
 * to be stored, or the batch it came in would be retried forever.
 */
export function rowOf(l: DeadLetter) {
  const row = {
    partitionKey: partitionOf(l.id),
    rowKey: l.id.slice(11),
    at: l.at,
    stage: l.stage,
    reason: tableSafe(l.reason.slice(0, 30_000)),
    ...(l.eventId ? { eventId: tableSafe(l.eventId) } : {}),
    ...(l.source ? { source: tableSafe(l.source) } : {}),
  };
  const json = JSON.stringify(l.payload ?? null);
  try {
    return putChunks(row, json, `payload of dead letter ${l.id}`);
  } catch (err) {
    if (!(err instanceof StateTooLargeError)) throw err;
    return putChunks(
      row,
      JSON.stringify({ truncated: true, chars: json.length, head: json.slice(0, TRUNCATED_PAYLOAD_CHARS) }),
      `payload of dead letter ${l.id}`,
    );
  }
}

/** Characters of a row as a transaction carries it, near enough (Azure allows 4 MiB per transaction). */
export function rowChars(row: Record<string, unknown>): number {
  let n = 0;
  for (const v of Object.values(row)) n += typeof v === 'string' ? v.length : 16;
  return n;
}

/** The dead letter a row holds (whichever client read it: keys are passed apart). */
export function letterOf(partitionKey: string, rowKey: string, row: Record<string, unknown>): DeadLetter {
  return {
    id: `${partitionKey}|${rowKey}`,
    at: String(row.at),
    stage: String(row.stage) as DeadLetter['stage'],
    reason: String(row.reason),
    ...(row.eventId ? { eventId: String(row.eventId) } : {}),
    ...(row.source ? { source: String(row.source) } : {}),
    payload: JSON.parse(getChunks(row) ?? 'null'),
  };
}

/** Where a dead letter id puts its row. */
export function keysOf(id: string): { partitionKey: string; rowKey: string } {
  return { partitionKey: partitionOf(id), rowKey: id.slice(11) };
}
