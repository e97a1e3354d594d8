// Ordering keys: the version of one change, comparable as plain strings so that any arrival
// order gives the same winner. A source's `sequence` (an integer, or a decimal string of any
// length: an LSN, a row version) orders a source's changes; events without one are ordered by
// `time` (a source uses one or the other; were they mixed, the time-ordered key sorts higher).
// The event id breaks ties, so two different events never compare equal.
export type OrderKey = string;

// A sequence is stored as its digit count (two digits) then its digits: the same order as
// zero-padding to 40 digits, in far fewer characters (entity state is parsed on every operation).

export function orderKey(sequence: number | string | undefined, time: string | undefined, eventId: string): OrderKey | undefined {
  if (sequence !== undefined) {
    const digits =
      typeof sequence === 'number'
        ? Number.isSafeInteger(sequence) && sequence >= 0
          ? String(sequence)
          : undefined
        : /^\d{1,40}$/.test(sequence)
          ? sequence.replace(/^0+(?=\d)/, '')
          : undefined;
    if (digits === undefined) return undefined;
    return `s${String(digits.length).padStart(2, '0')}${digits}|${eventId}`;
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
  return key.startsWith('s') ? { sequence: body.slice(2) } : { time: new Date(Number(body)).toISOString() };
}
