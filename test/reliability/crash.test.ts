// Crash: events go to a host on Azurite in batches while the host is killed (SIGKILL) at random
// moments, at least five times; after each restart everything not acknowledged is sent again.
// In the end every event is accounted for (accepted + rejected = sent) and every node's GraphQL
// answer equals the oracle's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestAzurite, type TestAzurite } from '../../host/harness/azurite';
import { spawnHost, stopHost, waitIdle, type ChildHost } from '../helpers/child-host';
import { GRAPH_CONTRACTS } from '../helpers/mesh-host';
import { LINKS, OWNERS, answers, cloudEvents, model } from './graph';
import { Oracle, type OracleEvent } from './oracle';
import { full } from './profile';
import { createRandom } from '../../core/demo/random';

const TOTAL = Number(process.env.RELIABILITY_CRASH_EVENTS ?? (full ? 100_000 : 3_000));
const KILLS = full ? 10 : 5;
const BATCH = 250;
const SEED = Number(process.env.RELIABILITY_SEED ?? 20261123);


function generate(total: number, rand: () => number): { events: OracleEvent[]; ids: Record<string, string[]> } {
  const perType = Math.max(10, Math.round(total / 12));
  const ids: Record<string, string[]> = Object.fromEntries(Object.keys(OWNERS).map((t) => [t, Array.from({ length: perType }, (_, i) => `${t[0]!.toLowerCase()}${i}`)]));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const events: OracleEvent[] = [];
  for (let i = 0; i < total; i++) {
    const roll = rand();
    const sequence = 1 + Math.floor(rand() * 50);
    const id = `ev${i}`;
    if (roll < 0.55) {
      const type = pick(Object.keys(OWNERS));
      const data: Record<string, unknown> = { name: `${type} ${Math.floor(rand() * 1000)}` };
      if (type === 'Person') data['level'] = 1 + Math.floor(rand() * 9);
      if (type === 'Team') data['size'] = 1 + Math.floor(rand() * 40);
      if (type === 'Client') data['tier'] = pick(['gold', 'silver']);
      events.push({ id, source: OWNERS[type]!, type: 'upsert', sequence, subject: `${type}/${pick(ids[type]!)}`, data });
    } else if (roll < 0.95) {
      const [from, rel, to, owner] = pick(LINKS);
      events.push({ id, source: owner, type: rand() < 0.8 ? 'link' : 'unlink', sequence, subject: `${from}/${pick(ids[from]!)}`, data: { rel, to: `${to}/${pick(ids[to]!)}` } });
    } else {
      const type = pick(Object.keys(OWNERS));
      events.push({ id, source: OWNERS[type]!, type: 'delete', sequence, subject: `${type}/${pick(ids[type]!)}` });
    }
  }
  return { events, ids };
}

async function post(url: string, events: OracleEvent[]): Promise<{ accepted: number; rejected: number }> {
  const res = await fetch(`${url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(cloudEvents(events)) });
  const body = (await res.json()) as { accepted: number; rejected: unknown[] };
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
  return { accepted: body.accepted, rejected: body.rejected.length };
}

describe(`reliability: kill -9 during ingest on Azurite (${full ? 'full' : 'short'} profile: ${TOTAL} events, ${KILLS} kills)`, () => {
  let azurite: TestAzurite;
  let host: ChildHost | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-crash-'));
  const env = { MESH_CONTRACTS: GRAPH_CONTRACTS, MESH_DATA_DIR: dataDir, EventHubConnection: '' };
  before(async () => {
    azurite = await startTestAzurite();
  });
  after(async () => {
    if (host) await stopHost(host, 'SIGKILL');
    await azurite?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`loses nothing acknowledged and converges to the oracle (seed ${SEED})`, { timeout: full ? 3_600_000 : 300_000 }, async () => {
    const rand = createRandom(SEED).next;
    const { events, ids } = generate(TOTAL, rand);
    const batches: OracleEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    // Kill points spread over the run: while batch k is in flight, after a random delay.
    const killAt = new Set<number>();
    while (killAt.size < Math.min(KILLS, batches.length - 1)) killAt.add(1 + Math.floor(rand() * (batches.length - 1)));
    host = await spawnHost(azurite.connectionString, env, 'hot');
    const answered = new Map<number, { accepted: number; rejected: number }>();
    let kills = 0;
    let resumed = 0;
    for (let k = 0; k < batches.length; ) {
      if (killAt.has(k)) {
        killAt.delete(k);
        const inFlight = post(host.url, batches[k]!).then((r) => answered.set(k, r), () => undefined);
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 40)));
        await stopHost(host, 'SIGKILL');
        await inFlight;
        kills++;
        host = await spawnHost(azurite.connectionString, env, 'hot');
        if (host.recovered > 0) resumed++;
        if (answered.has(k)) k++; // acknowledged before the kill; otherwise it is sent again
        continue;
      }
      answered.set(k, await post(host.url, batches[k]!));
      k++;
    }
    assert.equal(kills, Math.min(KILLS, batches.length - 1));
    const accounted = [...answered.values()].reduce((n, r) => n + r.accepted + r.rejected, 0);
    assert.equal(accounted, events.length, 'every event sent is accepted or rejected');
    assert.equal([...answered.values()].reduce((n, r) => n + r.rejected, 0), 0, 'the generator makes only valid events');
    await waitIdle(host.url, full ? 1_800_000 : 180_000);

    const expected = new Oracle(model).views(events);
    let checked = 0;
    for (const [type, list] of Object.entries(ids)) {
      for (let i = 0; i < list.length; i += 100) {
        const chunk = Object.fromEntries(Object.keys(ids).map((t) => [t, t === type ? list.slice(i, i + 100) : []]));
        for (const [gid, view] of await answers(host.url, chunk)) {
          assert.deepEqual(view, expected.get(gid) ?? null, gid);
          checked++;
        }
      }
    }
    console.log(`crash: ${events.length} events, ${kills} kills (${resumed} restarts resumed acknowledged work), ${checked} nodes equal to the oracle`);
  });
});
