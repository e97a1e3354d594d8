// Sustained load: ingest and concurrent GraphQL queries through the local host (memory store) for
// 30 s (short) or 10 minutes (full). Prints RSS at start and end and the largest queue depth and
// projection lag seen; asserts that memory stays flat once warm and that the host goes idle soon
// after the load stops.
//
// Bounds, and why: the id space is fixed (LOAD_NODES persons plus teams, projects, clients), so
// once every node exists the state held (memory entity store, SQLite page cache, prepared
// queries) stops growing; what remains is garbage-collector slack and allocator fragmentation.
// RSS at the end may exceed RSS after warm-up by at most 1.5× or 150 MB, whichever is larger: a
// leak proportional to the events (at ~1 KB each, hundreds of thousands per run) breaks it, V8's
// heap sizing does not. Idle within 60 s of the last answer (the queue only holds what the
// last writers sent; the convergence suite drains far larger backlogs faster).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projections } from '../../functions/shared/projections';
import { useMemoryHost } from './graph';
import { full } from './profile';

const DURATION_MS = Number(process.env.LOAD_DURATION_MS ?? (full ? 600_000 : 30_000));
const WARMUP_MS = Math.min(DURATION_MS / 3, full ? 60_000 : 10_000);
const LOAD_NODES = full ? 20_000 : 3_000;
const WRITERS = 3;
const READERS = 2;
const MB = 2 ** 20;
const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];

describe(`reliability: sustained load (${full ? 'full' : 'short'} profile, ${DURATION_MS / 1000} s)`, () => {
  const suite = useMemoryHost('load');

  it('keeps memory flat and lag bounded under ingest plus queries, and goes idle after', async () => {
    let seq = 0;
    let eventId = 0;
    const pick = (n: number) => Math.floor(Math.random() * n);
    const ev = (source: string, type: string, subject: string, data: Record<string, unknown>) => ({
      specversion: '1.0',
      id: `ld${++eventId}`,
      source,
      type,
      subject,
      sequence: ++seq,
      data,
    });
    /** A batch of upserts and relinks over a fixed id space. */
    const batch = () =>
      Array.from({ length: 100 }, () => {
        const r = Math.random();
        const p = `Person/p${pick(LOAD_NODES)}`;
        if (r < 0.5) return ev('hr', 'meshgraph.node.upsert', p, { name: `${NAMES[pick(NAMES.length)]} ${pick(1000)}`, level: pick(9) + 1 });
        if (r < 0.6) return ev('org', 'meshgraph.node.upsert', `Team/t${pick(LOAD_NODES / 20)}`, { name: `team ${pick(100)}`, size: pick(50) });
        if (r < 0.65) return ev('pm', 'meshgraph.node.upsert', `Project/x${pick(LOAD_NODES / 50)}`, { name: `project ${pick(100)}` });
        if (r < 0.7)
          return ev('sales', 'meshgraph.node.upsert', `Client/c${pick(LOAD_NODES / 100)}`, {
            name: `client ${pick(100)}`,
            tier: Math.random() < 0.5 ? 'gold' : 'silver',
          });
        if (r < 0.85)
          return ev('org', Math.random() < 0.8 ? 'meshgraph.edge.link' : 'meshgraph.edge.unlink', p, { rel: 'teams', to: `Team/t${pick(LOAD_NODES / 20)}` });
        if (r < 0.95) return ev('pm', 'meshgraph.edge.link', `Team/t${pick(LOAD_NODES / 20)}`, { rel: 'projects', to: `Project/x${pick(LOAD_NODES / 50)}` });
        return ev('pm', 'meshgraph.edge.link', `Project/x${pick(LOAD_NODES / 50)}`, { rel: 'client', to: `Client/c${pick(LOAD_NODES / 100)}` });
      });
    const queries = [
      () => ({
        query: 'query($q: String) { searchPersons(query: $q, first: 20) { totalCount edges { node { id name level teamInfo { name } clients { name } } } } }',
        variables: { q: NAMES[pick(NAMES.length)] },
      }),
      () => ({
        query: 'query($id: ID!) { person(id: $id) { name teams { name projects { name client { name tier } } } } }',
        variables: { id: `p${pick(LOAD_NODES)}` },
      }),
      () => ({
        query: 'query($l: Int) { searchPersons(filter: {level: {gte: $l}}, first: 50) { totalCount facets { field buckets { value count } } } }',
        variables: { l: pick(9) },
      }),
      () => ({ query: '{ searchTeams(first: 20, sort: [{field: id, direction: DESC}]) { edges { node { id name members { id } } } } }' }),
    ];

    const stats = { batches: 0, events: 0, queries: 0, refused: 0, maxPending: 0, maxEntitiesWithWork: 0, maxLagDocs: 0, maxLagMs: 0 };
    const samples: Array<{ t: number; rss: number }> = [];
    const started = Date.now();
    const rssStart = process.memoryUsage().rss;
    let stop = false;
    let samplerFailure: unknown;
    const sample = async () => {
      const status = (await (await fetch(`${suite.host.url}/admin/host/status`)).json()) as { pendingOperations: number; entitiesWithWork: number };
      const lag = (await projections()).lag();
      stats.maxPending = Math.max(stats.maxPending, status.pendingOperations);
      stats.maxEntitiesWithWork = Math.max(stats.maxEntitiesWithWork, status.entitiesWithWork);
      stats.maxLagDocs = Math.max(stats.maxLagDocs, lag.documents);
      stats.maxLagMs = Math.max(stats.maxLagMs, lag.oldestMs);
      samples.push({ t: Date.now() - started, rss: process.memoryUsage().rss });
    };
    const sampler = setInterval(() => void sample().catch((err: unknown) => (samplerFailure ??= err)), 1000);

    const writer = async () => {
      while (!stop) {
        const events = batch();
        const res = await fetch(`${suite.host.url}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents-batch+json' },
          body: JSON.stringify(events),
        });
        const body = (await res.json()) as { accepted: number; rejected: unknown[] };
        assert.equal(res.status, 202, JSON.stringify(body));
        assert.deepEqual(body.rejected, []);
        stats.batches++;
        stats.events += body.accepted;
        // Back-pressure as a well-behaved source would apply it: do not outrun the actors forever.
        while (!stop && suite.host.runtime.depth().pendingOperations > 2_000) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const reader = async () => {
      while (!stop) {
        const res = await fetch(`${suite.host.url}/api/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(queries[pick(queries.length)]!()),
        });
        const body = (await res.json()) as { errors?: unknown };
        assert.equal(res.status, 200, JSON.stringify(body));
        assert.equal(body.errors, undefined, JSON.stringify(body.errors));
        stats.queries++;
      }
    };
    const until = setTimeout(() => (stop = true), DURATION_MS);
    try {
      await Promise.all([...Array.from({ length: WRITERS }, writer), ...Array.from({ length: READERS }, reader)]);
    } finally {
      stop = true;
      clearTimeout(until);
    }
    const loadEnded = Date.now();
    const idleWithin = 60_000;
    const idle = await Promise.race([suite.host.runtime.idle().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), idleWithin))]);
    const idleMs = Date.now() - loadEnded;
    clearInterval(sampler);
    assert.equal(samplerFailure, undefined, 'every sample of the host status was read');
    (globalThis as { gc?: () => void }).gc?.();
    const rssEnd = process.memoryUsage().rss;
    const warm = samples.filter((s) => s.t >= WARMUP_MS);
    const rssWarm = warm[0]?.rss ?? rssStart;
    const rssMax = Math.max(...samples.map((s) => s.rss));
    const bound = Math.max(rssWarm * 1.5, rssWarm + 150 * MB);
    const seconds = (loadEnded - started) / 1000;
    console.log(
      `load: ${seconds.toFixed(0)} s, ${stats.events} events in ${stats.batches} batches (${Math.round(stats.events / seconds)} ev/s) over ${LOAD_NODES} persons, ${stats.queries} GraphQL queries (${Math.round(stats.queries / seconds)} q/s); ` +
        `RSS start ${Math.round(rssStart / MB)} MB, after warm-up (${WARMUP_MS / 1000} s) ${Math.round(rssWarm / MB)} MB, max ${Math.round(rssMax / MB)} MB, end ${Math.round(rssEnd / MB)} MB (bound ${Math.round(bound / MB)} MB); ` +
        `max pending operations ${stats.maxPending}, max entities with work ${stats.maxEntitiesWithWork}, max projection lag ${stats.maxLagDocs} documents / ${stats.maxLagMs} ms; idle ${idle ? `${idleMs} ms` : `not within ${idleWithin} ms`} after the load stopped`,
    );
    assert.ok(idle, `the host was not idle ${idleWithin} ms after the load stopped: ${JSON.stringify(suite.host.runtime.depth())}`);
    assert.ok(rssEnd <= bound, `RSS grew from ${Math.round(rssWarm / MB)} MB after warm-up to ${Math.round(rssEnd / MB)} MB`);
    assert.deepEqual((await projections()).lag(), { documents: 0, oldestMs: 0 });
  });
});
