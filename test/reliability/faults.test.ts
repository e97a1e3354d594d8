// Store faults. (a) The Elasticsearch store, behind the projection writer, on the client's mock
// connection in front of a small fake cluster (external versions, strict mapping) that injects
// 429s, 5xx, timeouts and partial bulk failures: once the faults stop every document is written
// at its newest version, 409s count as stale (not errors), and mapping errors come back as refused
// for good with their reason (the node actor dead-letters those; actors/node/entity.ts).
// (b) The SQLite store on a full disk (a small tmpfs): writes fail with SQLITE_FULL, nothing
// acknowledged is lost, and writes resume once space returns.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { ElasticsearchProjectionStore } from '../../adapters/search/elasticsearch';
import { openSqliteStore, type SqliteProjectionStore } from '../../adapters/search/sqlite';
import { ProjectionWriter } from '../../adapters/projection/writer';
import type { BulkFailure, ProjectionDoc } from '../../core/projection/port';
import { person, personSpec } from '../conformance/fixtures';
import { full } from './profile';
import { createRandom } from '../../core/demo/random';

const ALIAS = 'meshgraph-person';
type Line = Record<string, any>;

/** A one-index cluster: external versioning, a strict `age` (long), and faults while `faulty`. */
class FakeCluster {
  readonly docs = new Map<string, { version: number; source: Line }>();
  faulty = true;
  readonly injected = { requests429: 0, requests5xx: 0, timeouts: 0, items429: 0, items5xx: 0, mapping: 0, conflicts: 0 };
  bulkCalls = 0;
  constructor(private readonly random: () => number) {}

  bulk(lines: Line[]): unknown {
    this.bulkCalls++;
    if (this.faulty) {
      const r = this.random();
      if (r < 0.1) return (this.injected.requests429++, responseError(429, 'es_rejected_execution_exception'));
      if (r < 0.2) return (this.injected.requests5xx++, responseError(this.random() < 0.5 ? 503 : 502, 'unavailable_shards_exception'));
      if (r < 0.3) return (this.injected.timeouts++, new errors.TimeoutError('Request timed out'));
    }
    const items: Array<{ index: Line }> = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = lines[i]!['index'] as { _id: string; version: number };
      const source = lines[i + 1]!;
      const item = (status: number, error?: Line) => items.push({ index: { _index: `${ALIAS}_v1`, _id: action._id, status, ...(error ? { error } : {}) } });
      const f = this.faulty ? this.random() : 1;
      if (f < 0.15) {
        this.injected.items429++;
        item(429, { type: 'es_rejected_execution_exception', reason: 'queue full' });
      } else if (f < 0.25) {
        this.injected.items5xx++;
        item(503, { type: 'unavailable_shards_exception', reason: 'primary shard is not active' });
      } else if (source['age'] !== undefined && typeof source['age'] !== 'number') {
        this.injected.mapping++;
        item(400, { type: 'mapper_parsing_exception', reason: `failed to parse field [age] of type [long] in document with id '${action._id}'` });
      } else {
        const stored = this.docs.get(action._id);
        if (stored && stored.version >= action.version) {
          this.injected.conflicts++;
          item(409, {
            type: 'version_conflict_engine_exception',
            reason: `[${action._id}]: version conflict, current version [${stored.version}] is higher or equal to the one provided [${action.version}]`,
          });
        } else {
          this.docs.set(action._id, { version: action.version, source });
          item(stored ? 200 : 201);
        }
      }
    }
    return { took: 1, errors: items.some((x) => x.index.status >= 300), items };
  }
}

function responseError(statusCode: number, type: string) {
  return new errors.ResponseError({ body: { error: { type, reason: type }, status: statusCode }, statusCode, headers: {}, warnings: null, meta: {} as never });
}

/**
 * What a node actor does with the writer: hand its newest document over; if the write is
 * rejected (the store kept failing), keep it dirty and project again later; documents refused
 * for good are dead-lettered with the reason.
 */
async function projectLikeAnActor(writer: ProjectionWriter, doc: ProjectionDoc, deadLetters: BulkFailure[], stats: { rejectedWrites: number }): Promise<void> {
  for (;;) {
    try {
      deadLetters.push(...(await writer.write([doc])));
      return;
    } catch {
      stats.rejectedWrites++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe(`reliability: store faults (${full ? 'full' : 'short'} profile)`, () => {
  it('elasticsearch: 429s, 5xx, timeouts and partial bulk failures lose nothing; 409 is stale; mapping errors are refused with their reason', async () => {
    const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);
    const random = createRandom(seed).next;
    const cluster = new FakeCluster(random);
    const mock = new Mock();
    mock.add({ method: 'GET', path: `/${ALIAS}/_mapping` }, () => ({ [`${ALIAS}_v1`]: { mappings: { _meta: { spec: personSpec('Person') } } } }));
    mock.add({ method: 'POST', path: '/_bulk' }, (params) => cluster.bulk(params.body as unknown as Line[]) as never);
    const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection(), maxRetries: 0 });
    const store = new ElasticsearchProjectionStore({ client, retry: { attempts: 3, baseDelayMs: 2, maxDelayMs: 10 } });
    const writer = new ProjectionWriter(store, { maxDocs: 50, maxDelayMs: 2, attempts: 3, retryBaseMs: 2 });

    const nodes = full ? 2000 : 300;
    const versions = full ? 8 : 4;
    const poisoned = new Set(Array.from({ length: Math.ceil(nodes / 50) }, (_, i) => `Person:n${i * 50 + 7}`));
    const expected = new Map<string, ProjectionDoc>();
    const deadLetters: BulkFailure[] = [];
    const stats = { rejectedWrites: 0 };
    // Each node's actor projects its versions in order, and now and then an older one again
    // (a replay after a crash): that must be a stale no-op, never an error.
    const actor = async (n: number) => {
      for (let v = 1; v <= versions; v++) {
        const id = `n${n}`;
        const doc = person('Person', id, v, { name: `name ${id} v${v}`, age: v });
        const body = poisoned.has(doc.id) && v === versions ? { ...doc, body: { ...doc.body, age: 'old' as unknown as number } } : doc;
        await projectLikeAnActor(writer, body, deadLetters, stats);
        if (!poisoned.has(doc.id) || v < versions) expected.set(doc.id, doc);
        if (random() < 0.2) await projectLikeAnActor(writer, person('Person', id, Math.max(1, v - 1), { name: 'older' }), deadLetters, stats);
      }
    };
    const faultsStop = setTimeout(() => (cluster.faulty = false), full ? 20_000 : 3_000);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let n = next++; n < nodes; n = next++) await actor(n);
      }),
    );
    clearTimeout(faultsStop);
    cluster.faulty = false;

    // Every node holds its newest accepted version; nothing lost, nothing rolled back.
    for (const [id, doc] of expected) {
      const stored = cluster.docs.get(id);
      assert.ok(stored, `${id} was never written`);
      assert.equal(stored.version, doc.version, `${id} holds version ${stored.version}, expected ${doc.version}`);
      assert.equal(stored.source['name'], doc.body['name'], id);
    }
    // Mapping errors: refused for good, with the reason, once per poisoned write, never stored.
    assert.deepEqual(deadLetters.map((f) => f.id).sort(), [...poisoned].sort());
    for (const f of deadLetters) {
      assert.equal(f.retryable, false);
      assert.match(f.reason, /mapper_parsing_exception: failed to parse field \[age\]/);
    }
    assert.ok(cluster.injected.conflicts > 0, 'the run re-sent older versions');
    assert.ok(writer.counters.stale > 0, '409s counted as stale');
    assert.deepEqual(writer.lag(), { documents: 0, oldestMs: 0 });
    const i = cluster.injected;
    console.log(
      `faults: elasticsearch seed ${seed}: ${nodes} nodes × ${versions} versions, ${cluster.bulkCalls} bulk calls; injected ${i.requests429} request 429s, ${i.requests5xx} request 5xx, ${i.timeouts} timeouts, ${i.items429} item 429s, ${i.items5xx} item 5xx, ${i.mapping} mapping errors, ${i.conflicts} version conflicts; ${stats.rejectedWrites} writes rejected to the actor and retried; all ${expected.size} nodes at their newest version, ${deadLetters.length} dead letters`,
    );
  });

  describe('sqlite on a full disk', () => {
    const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-fulldisk-'));
    let mounted = false;
    let store: SqliteProjectionStore | undefined;
    before(() => {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount], { stdio: 'pipe' });
        mounted = true;
      } catch (err) {
        console.log(`faults: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); the full-disk test is skipped`);
      }
    });
    after(async () => {
      await store?.close().catch(() => {});
      if (mounted) execFileSync('umount', ['-l', mount]);
      fs.rmSync(mount, { recursive: true, force: true });
    });

    it('fails writes with SQLITE_FULL without losing acknowledged documents, and resumes when space returns', async (t) => {
      if (!mounted) return t.skip('no tmpfs (needs mount privileges)');
      store = openSqliteStore(path.join(mount, 'data'));
      const spec = personSpec('Person');
      const { index } = await store.createIndex(spec);
      await store.swapAlias('Person', index);
      const writer = new ProjectionWriter(store, { maxDocs: 100, maxDelayMs: 2, attempts: 3, retryBaseMs: 5 });
      const doc = (n: number, v = 1) =>
        person('Person', `p${n}`, v, { name: `person ${n} ${'lorem ipsum '.repeat(20)}`, bio: `bio ${n} ${'dolor sit amet '.repeat(40)}`, age: n % 90 });

      // Fill the disk: ballast first, then documents until a write is refused.
      const ballast = path.join(mount, 'ballast');
      const free = () => Number(execFileSync('df', ['-B1', '--output=avail', mount]).toString().split('\n')[1]);
      fs.writeFileSync(ballast, Buffer.alloc(Math.max(0, free() - 1_500_000)));
      const acknowledged = new Map<string, ProjectionDoc>();
      let refused: string | undefined;
      let n = 0;
      while (!refused && n < 100_000) {
        const batch = Array.from({ length: 50 }, () => doc(n++));
        try {
          await writer.write(batch);
          for (const d of batch) acknowledged.set(d.id, d);
        } catch (err) {
          refused = (err as Error).message;
        }
      }
      assert.ok(refused, 'the disk never filled');
      assert.match(refused, /SQLITE_FULL|database or disk is full/);
      console.log(`faults: sqlite disk full after ${acknowledged.size} acknowledged documents: "${refused}"`);

      // While full: updates and new documents are refused, reads still answer, nothing acknowledged is gone.
      let refusedWhileFull = 0;
      for (let i = 0; i < 5; i++) {
        const batch = [doc(0, 2 + i), ...Array.from({ length: 49 }, () => doc(n++))];
        try {
          await writer.write(batch);
          for (const d of batch) acknowledged.set(d.id, d); // a page freed somewhere: it fit, so it counts
        } catch (err) {
          refusedWhileFull++;
          assert.match((err as Error).message, /SQLITE_FULL|database or disk is full/);
        }
      }
      assert.ok(refusedWhileFull > 0, 'writes are refused while the disk is full');
      // Searches answer from what is searchable: the refresh a read starts cannot write, and waits.
      const searchWhileFull = await store.search('Person', { text: 'person', first: 3 }).then(
        () => 'answers',
        (err: Error) => `fails (${err.message})`,
      );
      assert.equal(searchWhileFull, 'answers');
      const sample = [...acknowledged.keys()].filter((_, i) => i % 37 === 0);
      const read = await store.mget('Person', sample);
      assert.deepEqual(
        read.map((d) => d?.version),
        sample.map((id) => acknowledged.get(id)!.version),
        'acknowledged documents read back while full',
      );

      // Space returns: the same writes succeed; everything is there.
      fs.rmSync(ballast);
      const pending = [doc(0, 10), ...Array.from({ length: 200 }, () => doc(n++))];
      assert.deepEqual(await writer.write(pending), []);
      for (const d of pending) acknowledged.set(d.id, d);
      await store.close();
      store = openSqliteStore(path.join(mount, 'data'));
      assert.equal(await store.count('Person'), acknowledged.size);
      const all = await store.mget('Person', [...acknowledged.keys()]);
      assert.deepEqual(
        all.map((d) => d?.version),
        [...acknowledged.values()].map((d) => d.version),
        'every acknowledged document at its version after a reopen',
      );
      const hit = await store.search('Person', { text: 'person 0', first: 5 });
      assert.ok(
        hit.hits.some((h) => h.doc.id === 'Person:p0'),
        'the text index kept up',
      );
      console.log(`faults: sqlite resumed after space returned: ${acknowledged.size} documents, all readable after a reopen`);
    });
  });
});
