// A dead letter as a table row, and back: shared by the SDK store (table.ts) and the plain-fetch
// one (table-rest.ts). Rows are keyed by day and time, so listing is oldest first.
import type { DeadLetter } from '../../core/ports/dead-letters';
import { getChunks, putChunks, tableSafe } from '../../core/table-chunks';

export const DEAD_LETTER_TABLE = 'meshgraphdeadletters';

const partitionOf = (id: string) => id.slice(0, 10);

/** The row of a dead letter; the payload is split across properties like entity state. */
export function rowOf(l: DeadLetter) {
  return putChunks(
    { partitionKey: partitionOf(l.id), rowKey: l.id.slice(11), at: l.at, stage: l.stage, reason: tableSafe(l.reason.slice(0, 30_000)), ...(l.eventId ? { eventId: tableSafe(l.eventId) } : {}), ...(l.source ? { source: tableSafe(l.source) } : {}) },
    JSON.stringify(l.payload ?? null),
    `payload of dead letter ${l.id}`,
  );
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
