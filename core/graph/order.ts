// Ordering keys: the version of one change, comparable as plain strings so that any arrival
// order gives the same winner. A source's `sequence` (an integer, or a decimal string of any
// length: an LSN, a row version) wins over time; events without one are ordered by `time`.
// The event id breaks ties, so two different events never compare equal.
export type OrderKey = string;

const WIDTH = 40;

export function orderKey(sequence: number | string | undefined, time: string | undefined, eventId: string): OrderKey | undefined {
  if (sequence !== undefined) {
    const digits = typeof sequence === 'number' ? (Number.isSafeInteger(sequence) && sequence >= 0 ? String(sequence) : undefined) : /^\d{1,40}$/.test(sequence) ? sequence.replace(/^0+(?=\d)/, '') : undefined;
    if (digits === undefined) return undefined;
    return `s${digits.padStart(WIDTH, '0')}|${eventId}`;
  }
  if (time !== undefined) {
    const ms = Date.parse(time);
    if (Number.isNaN(ms) || ms < 0) return undefined;
    return `t${String(ms).padStart(15, '0')}|${eventId}`;
  }
  return undefined;
}

/** The sequence (or time) part of a key, for history and lineage. */
export function describeKey(key: OrderKey): { sequence?: string; time?: string } {
  const body = key.slice(1, key.indexOf('|'));
  return key.startsWith('s') ? { sequence: body.replace(/^0+(?=\d)/, '') } : { time: new Date(Number(body)).toISOString() };
}
