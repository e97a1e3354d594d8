// A rename's spread with ?wait=true (issue 18), on the transit sample (contracts/transit): one
// agency runs BENCH_SPREAD_ROUTES routes (200: past the 128-neighbour spill threshold, so its
// routes relation lives in bucket chains) with BENCH_SPREAD_TRIPS trips each (3); every route
// carries the agency's name one hop away, every trip two hops away. A rename is posted with
// ?wait=true; from its 202, the search index is read (searchRoutes and searchTrips filtered on
// the carried name, counted) until every dependent shows the new name: the time after the 202
// should be 0, every dependent searchable at the first read. Then the time to the 202 itself,
// against the time the same rename takes to reach every dependent without ?wait (posted, then
// read every POLL_MS until all show it), the two alternating for BENCH_SPREAD_ROUNDS rounds (5),
// medians reported. The host runs as `npm start` runs it, in its own process, memory store.
import { median, report } from './lib';
import { postEvents, withServedHost } from './served-host';

const ROUTES = Number(process.env.BENCH_SPREAD_ROUTES ?? 200);
const TRIPS = Number(process.env.BENCH_SPREAD_TRIPS ?? 3);
const ROUNDS = Number(process.env.BENCH_SPREAD_ROUNDS ?? 5);
const POLL_MS = 10;
const CONTRACTS = 'contracts/transit';
const AGENCY = 'A1';
const DEPENDENTS = ROUTES + ROUTES * TRIPS;

let eventId = 0;
const row = (type: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: `s${++eventId}`,
  source: 'gtfs',
  type: `gtfs.${type}.row`,
  data: { feed_version: 1, ...data },
});
const routeId = (r: number) => `R${String(r).padStart(4, '0')}`;

const COUNT =
  'query($name: String) { routes: searchRoutes(first: 0, filter: {operatorInfo: {name: {eq: $name}}}) { totalCount } trips: searchTrips(first: 0, filter: {operator: {name: {eq: $name}}}) { totalCount } }';

/** How many dependents the search index shows with `name`. */
async function showing(url: string, name: string): Promise<number> {
  const res = await fetch(`${url}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: COUNT, variables: { name } }),
  });
  const body = (await res.json()) as { data?: { routes: { totalCount: number }; trips: { totalCount: number } }; errors?: unknown };
  if (!body.data) throw new Error(`the count query failed: ${JSON.stringify(body.errors)}`);
  return body.data.routes.totalCount + body.data.trips.totalCount;
}

/** Reads from `from` until every dependent shows `name`: when the read that saw them all began, and how many the first read missed. */
async function untilAllShow(url: string, name: string): Promise<{ at: number; staleAtFirst: number }> {
  let staleAtFirst: number | undefined;
  for (;;) {
    const at = performance.now();
    const stale = DEPENDENTS - (await showing(url, name));
    staleAtFirst ??= stale;
    if (stale === 0) return { at, staleAtFirst };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function seed(url: string): Promise<void> {
  await postEvents(url, [row('agency', { agency_id: AGENCY, agency_name: 'Name 0' })], true);
  const routes = Array.from({ length: ROUTES }, (_, r) =>
    row('route', { route_id: routeId(r), agency_id: AGENCY, route_short_name: String(r), route_type: 3 }),
  );
  await postEvents(url, routes, true);
  const trips = Array.from({ length: ROUTES * TRIPS }, (_, t) => row('trip', { trip_id: `T${t}`, route_id: routeId(t % ROUTES), trip_headsign: `Trip ${t}` }));
  for (let i = 0; i < trips.length; i += 500) await postEvents(url, trips.slice(i, i + 500), true);
  if ((await showing(url, 'Name 0')) !== DEPENDENTS)
    throw new Error(`after seeding, ${await showing(url, 'Name 0')} of ${DEPENDENTS} dependents show the agency's name`);
}

async function main(): Promise<void> {
  await withServedHost('spread', CONTRACTS, async ({ url }) => {
    const t0 = performance.now();
    await seed(url);
    process.stderr.write(
      `seeded 1 agency, ${ROUTES} routes, ${ROUTES * TRIPS} trips in ${((performance.now() - t0) / 1000).toFixed(1)} s (not part of any figure)\n`,
    );
    const waited: number[] = [];
    const after202: number[] = [];
    const staleAfter202: number[] = [];
    const spread: number[] = [];
    let version = 1;
    const rename = (name: string) => [row('agency', { agency_id: AGENCY, agency_name: name, feed_version: ++version })];
    for (let round = 0; round < ROUNDS; round++) {
      const withWait = `Waited ${round}`;
      const sent = performance.now();
      await postEvents(url, rename(withWait), true);
      const answered = performance.now();
      const seen = await untilAllShow(url, withWait);
      waited.push(answered - sent);
      after202.push(seen.at - answered);
      staleAfter202.push(seen.staleAtFirst);

      const withoutWait = `Posted ${round}`;
      const posted = performance.now();
      await postEvents(url, rename(withoutWait), false);
      spread.push((await untilAllShow(url, withoutWait)).at - posted);
      process.stderr.write(
        `round ${round + 1}: 202 after ${waited.at(-1)!.toFixed(0)} ms, all ${DEPENDENTS} searchable ${after202.at(-1)!.toFixed(1)} ms after it (${staleAfter202.at(-1)} stale at the first read); without ?wait all searchable after ${spread.at(-1)!.toFixed(0)} ms\n`,
      );
    }
    report(`rename-spread (1 agency, ${ROUTES} routes, ${ROUTES * TRIPS} trips; medians of ${ROUNDS} rounds)`, [
      {
        figure: `rename with ?wait=true: time from its 202 until all ${DEPENDENTS} dependents are searchable`,
        value: median(after202),
        unit: 'ms',
        goal: '~0',
        met: median(after202) < POLL_MS,
      },
      {
        figure: 'rename with ?wait=true: dependents stale at the first read after the 202 (most of any round)',
        value: Math.max(...staleAfter202),
        unit: '',
        goal: '0',
        met: Math.max(...staleAfter202) === 0,
      },
      {
        figure: 'rename with ?wait=true: time to its 202',
        value: median(waited),
        unit: 'ms',
        baseline: median(spread),
        baselineLabel: 'ms spread without ?wait',
        ratio: median(waited) / median(spread),
      },
    ]);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
