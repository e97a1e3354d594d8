// Convergence against the oracle: generated events, shuffled, duplicated and cut into random
// batches, go through the local host (POST /api/events → actors → projections); every node's
// GraphQL answer must equal what the reference model computes from the events alone.
// A failure prints fast-check's seed and the shrunk event list (replay with RELIABILITY_SEED).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { answers, cloudEvents, draft, model, useMemoryHost } from './graph';
import { Oracle, type OracleEvent } from './oracle';
import { full } from './profile';

describe(`reliability: convergence against the oracle (${full ? 'full' : 'short'} profile)`, () => {
  const suite = useMemoryHost('oracle');
  let run = 0;

  async function post(events: OracleEvent[]): Promise<void> {
    const res = await fetch(`${suite.host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(cloudEvents(events)),
    });
    const answer = (await res.json()) as { accepted: number; rejected: unknown[] };
    assert.equal(res.status, 202);
    assert.deepEqual(answer.rejected, [], 'the generator makes only valid events');
  }

  /** Waits for the host to settle, then checks every node of the run against the oracle. */
  async function compare(prefix: string, events: OracleEvent[]): Promise<void> {
    await suite.host.runtime.idle();
    const expected = new Oracle(model).views(events);
    const ids: Record<string, string[]> = Object.fromEntries(
      Object.keys(model.types).map((t) => [t, [1, 2].map((n) => `${prefix}${t[0]!.toLowerCase()}${n}`)]),
    );
    for (const [gid, view] of await answers(suite.host.url, ids)) assert.deepEqual(view, expected.get(gid) ?? null, gid);
  }

  const at = (prefix: string, list: Array<[string, string, number, string, Record<string, unknown>?]>): OracleEvent[] =>
    list.map(([source, type, sequence, subject, data], i) => ({
      id: `${prefix}-e${i}`,
      source,
      type: type as OracleEvent['type'],
      sequence,
      subject: subject.replace('/', `/${prefix}`),
      ...(data ? { data: 'to' in data ? { ...data, to: String(data['to']).replace('/', `/${prefix}`) } : data } : {}),
    }));

  it('matches the oracle on known tricky histories, in every arrival order', async () => {
    const histories: OracleEvent[][] = [
      // A delete between two upserts: only the fields set after it survive.
      at('k1', [
        ['hr', 'upsert', 2, 'Person/p1', { name: 'Ada', level: 1 }],
        ['hr', 'delete', 5, 'Person/p1'],
        ['hr', 'upsert', 8, 'Person/p1', { level: 3 }],
      ]),
      // An older upsert after a delete does not resurrect; a 'one' relation shows its newest link.
      at('k2', [
        ['pm', 'upsert', 1, 'Project/x1', { name: 'Apollo' }],
        ['sales', 'upsert', 1, 'Client/c1', { name: 'Acme' }],
        ['sales', 'upsert', 1, 'Client/c2', { name: 'Initech' }],
        ['pm', 'link', 3, 'Project/x1', { rel: 'client', to: 'Client/c1' }],
        ['pm', 'link', 4, 'Project/x1', { rel: 'client', to: 'Client/c2' }],
        ['sales', 'delete', 6, 'Client/c2'],
        ['sales', 'upsert', 5, 'Client/c2', { tier: 'gold' }],
      ]),
      // A 3-hop path (Person -> Team -> Project -> Client), then a relink at the middle hop.
      at('k3', [
        ['hr', 'upsert', 1, 'Person/p1', { name: 'Ada' }],
        ['org', 'upsert', 1, 'Team/t1', { name: 'Core' }],
        ['pm', 'upsert', 1, 'Project/x1', { name: 'Apollo' }],
        ['pm', 'upsert', 1, 'Project/x2', { name: 'Gemini' }],
        ['sales', 'upsert', 1, 'Client/c1', { name: 'Acme' }],
        ['sales', 'upsert', 1, 'Client/c2', { name: 'Initech' }],
        ['org', 'link', 2, 'Person/p1', { rel: 'teams', to: 'Team/t1' }],
        ['pm', 'link', 2, 'Team/t1', { rel: 'projects', to: 'Project/x1' }],
        ['pm', 'link', 2, 'Project/x1', { rel: 'client', to: 'Client/c1' }],
        ['pm', 'link', 2, 'Project/x2', { rel: 'client', to: 'Client/c2' }],
        ['pm', 'unlink', 3, 'Team/t1', { rel: 'projects', to: 'Project/x1' }],
        ['pm', 'link', 4, 'Team/t1', { rel: 'projects', to: 'Project/x2' }],
        ['sales', 'upsert', 7, 'Client/c2', { name: 'Initech Global' }],
      ]),
    ];
    let n = 0;
    for (const events of histories) {
      for (const order of [events, [...events].reverse(), [...events.slice(1), events[0]!]]) {
        const prefix = `${events[0]!.id.split('-')[0]}o${++n}`;
        const renamed = at(
          prefix,
          events.map((e) => [
            e.source,
            e.type,
            e.sequence,
            e.subject.replace(/\/k\d/, '/'),
            e.data ? ('to' in e.data ? { ...e.data, to: String(e.data['to']).replace(/\/k\d/, '/') } : e.data) : undefined,
          ]),
        );
        const byId = new Map(renamed.map((e, i) => [events[i]!.id, e]));
        for (const e of order) await post([byId.get(e.id)!]);
        await compare(prefix, renamed);
      }
    }
  });

  it('gives the oracle graph for any order, duplication and batching of the same events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(draft, fc.integer({ min: 1, max: 15 })), { minLength: 1, maxLength: full ? 120 : 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer(),
        async (drafts, duplicates, cuts, shuffleSeed) => {
          const prefix = `r${++run}`;
          const events: OracleEvent[] = drafts.map(([d, sequence], i) => ({
            ...d,
            id: `${prefix}-e${i}`,
            sequence,
            subject: `${d.subject[0]}/${prefix}${d.subject[1]}`,
            ...(d.data && 'to' in d.data ? { data: { ...d.data, to: String(d.data['to']).replace('/', `/${prefix}`) } } : {}),
          }));
          const sent = [...events, ...duplicates.map((i) => events[i % events.length]!)];
          const shuffled = fc.sample(fc.shuffledSubarray(sent, { minLength: sent.length }), { seed: shuffleSeed, numRuns: 1 })[0]!;
          let start = 0;
          for (const cut of [...new Set(cuts.map((c) => c % shuffled.length))].sort((a, b) => a - b).concat(shuffled.length)) {
            if (cut > start) await post(shuffled.slice(start, cut));
            start = Math.max(start, cut);
          }
          await compare(prefix, events);
        },
      ),
      { numRuns: full ? 300 : 60, ...(process.env.RELIABILITY_SEED ? { seed: Number(process.env.RELIABILITY_SEED) } : {}) },
    );
  });
});
