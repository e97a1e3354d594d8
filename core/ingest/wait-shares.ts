// How `POST /api/events?wait=true` knows that every reaction its events caused is done, across
// entities, hops and bucket chains, with no central count (weight throwing, as in distributed
// termination detection): the request owns the interval [0, TOTAL) and gives each accepted event
// a part of it. Whoever handles work carrying a share splits it among the messages that work
// sends (one part each), or, when it sends none, returns it to the request's wait entity. Once
// the returned parts cover [0, TOTAL), nothing the request caused is still in flight.
// Shares are intervals, not amounts: a part returned twice (a redelivered message) counts once.

/** [lo, hi) as decimal strings (JSON has no bigint). */
export type Interval = readonly [string, string];

/** The parts of each waiting request (by its token) that a message carries. */
export type Shares = Record<string, Interval[]>;

/** Wide enough to split a million ways at every hop of a long chain. */
export const WAIT_TOTAL = 1n << 256n;

/** CloudEvents extension attributes that carry a request's token and an event's share to the trigger. */
export const WAIT_TOKEN_ATTRIBUTE = 'meshwait';
export const WAIT_SHARE_ATTRIBUTE = 'meshshare';

const big = (i: Interval): [bigint, bigint] => [BigInt(i[0]), BigInt(i[1])];
const interval = (lo: bigint, hi: bigint): Interval => [lo.toString(), hi.toString()];

/** `[lo, hi)` cut into `parts` contiguous, non-empty intervals (fewer if it is narrower than that). */
export function cut(whole: Interval, parts: number): Interval[] {
  const [lo, hi] = big(whole);
  const width = hi - lo;
  const asked = BigInt(Math.max(1, parts));
  const n = asked < width ? asked : width;
  const out: Interval[] = [];
  for (let i = 0n; i < n; i++) out.push(interval(lo + (width * i) / n, lo + (width * (i + 1n)) / n));
  return out;
}

/** The whole of a request, cut into one part per event. */
export const eventShares = (events: number): Interval[] => cut(interval(0n, WAIT_TOTAL), events);

export function encodeShare(i: Interval): string {
  return `${i[0]}-${i[1]}`;
}

export function decodeShare(text: unknown): Interval | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{1,80})-(\d{1,80})$/.exec(text);
  if (!m) return undefined;
  const [lo, hi] = [BigInt(m[1]!), BigInt(m[2]!)];
  return lo < hi && hi <= WAIT_TOTAL ? interval(lo, hi) : undefined;
}

/** Adds `more` into `into` (mutating it). */
export function addShares(into: Shares, more: Shares | undefined): Shares {
  if (!more) return into;
  for (const [token, list] of Object.entries(more)) (into[token] ??= []).push(...list);
  return into;
}

export const hasShares = (shares: Shares | undefined): shares is Shares => shares !== undefined && Object.keys(shares).length > 0;

/**
 * Splits shares among `k` messages: each gets a non-empty part of every request's share (so each
 * message's work is waited for). Intervals are dealt out whole where there are enough, else the
 * widest is cut.
 */
export function splitShares(shares: Shares, k: number): Shares[] {
  const out: Shares[] = Array.from({ length: k }, () => ({}));
  if (k === 0) return out;
  for (const [token, list] of Object.entries(shares)) {
    let parts = [...list];
    if (parts.length < k) {
      parts.sort((a, b) => (big(b)[1] - big(b)[0] > big(a)[1] - big(a)[0] ? 1 : -1));
      const [widest, ...rest] = parts;
      parts = [...cut(widest!, k - rest.length), ...rest];
    }
    parts.forEach((part, i) => (out[i % k]![token] ??= []).push(part));
  }
  return out;
}

/** The union of intervals, sorted and merged. */
export function union(a: readonly Interval[], b: readonly Interval[] = []): Interval[] {
  const all = [...a, ...b].map(big).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = hi > last[1] ? hi : last[1];
    else out.push([lo, hi]);
  }
  return out.map(([lo, hi]) => interval(lo, hi));
}

/** How much of the request is not back yet, from 0 (all done) to 1. */
export function outstanding(returned: readonly Interval[]): number {
  const back = union(returned).reduce((sum, i) => sum + (BigInt(i[1]) - BigInt(i[0])), 0n);
  return Number(((WAIT_TOTAL - back) * 1_000_000n) / WAIT_TOTAL) / 1_000_000;
}

export const isComplete = (returned: readonly Interval[]): boolean => {
  const u = union(returned);
  return u.length === 1 && u[0]![0] === '0' && u[0]![1] === WAIT_TOTAL.toString();
};
