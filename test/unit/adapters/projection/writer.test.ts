import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectionWriter } from '../../../../adapters/projection/writer';
import type { BulkResult, ProjectionDoc, ProjectionStore } from '../../../../core/projection/port';

/** A store double that records bulk calls and answers from a script (unit test only). */
function fakeStore(answer: (docs: ProjectionDoc[], call: number) => BulkResult | Error): ProjectionStore & { calls: ProjectionDoc[][] } {
  const calls: ProjectionDoc[][] = [];
  return {
    kind: 'fake',
    calls,
    async bulk(docs) {
      calls.push(docs);
      const a = answer(docs, calls.length);
      if (a instanceof Error) throw a;
      return a;
    },
  } as ProjectionStore & { calls: ProjectionDoc[][] };
}

const doc = (id: string, version = 1, type = 'T'): ProjectionDoc => ({ id, type, version, body: { id } });
const ok = (docs: ProjectionDoc[]): BulkResult => ({ written: docs.length, stale: 0, failed: [] });

describe('ProjectionWriter', () => {
  it('group-commits concurrent writes of every type into one bulk request', async () => {
    const store = fakeStore(ok);
    const writer = new ProjectionWriter(store, { maxDelayMs: 5 });
    await Promise.all([writer.write([doc('a')]), writer.write([doc('b')]), writer.write([doc('c', 1, 'U')])]);
    assert.deepEqual(
      store.calls.map((c) => c.map((d) => d.id)),
      [['a', 'b', 'c']],
    );
  });

  it('keeps one bulk in flight: documents handed over meanwhile go together in the next one, at most maxDocs each', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: string[][] = [];
    const store = {
      kind: 'fake',
      async bulk(docs: ProjectionDoc[]) {
        calls.push(docs.map((d) => d.id));
        if (calls.length === 1) await gate;
        return ok(docs);
      },
    } as unknown as ProjectionStore;
    const writer = new ProjectionWriter(store, { maxDelayMs: 0, maxDocs: 3 });
    const first = writer.write([doc('a')]);
    await new Promise((r) => setTimeout(r, 5));
    const rest = ['b', 'c', 'd', 'e'].map((id) => writer.write([doc(id)]));
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(calls, [['a']], 'nothing else starts while the first bulk runs');
    assert.equal(writer.lag().documents, 5);
    release();
    await Promise.all([first, ...rest]);
    assert.deepEqual(calls, [['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('coalesces versions of one document: only the newest is written, every writer is answered', async () => {
    const store = fakeStore(ok);
    const writer = new ProjectionWriter(store, { maxDelayMs: 5 });
    await Promise.all([writer.write([doc('a', 1)]), writer.write([doc('a', 3)]), writer.write([doc('a', 2)])]);
    assert.deepEqual(store.calls, [[doc('a', 3)]]);
  });

  it('flushes at maxDocs without waiting for the timer', async () => {
    const store = fakeStore(ok);
    const writer = new ProjectionWriter(store, { maxDocs: 2, maxDelayMs: 60_000 });
    await writer.write([doc('a'), doc('b')]);
    assert.equal(store.calls.length, 1);
  });

  it('retries retryable failures and resolves once durable', async () => {
    const store = fakeStore((docs, call) =>
      call === 1 ? new Error('503') : call === 2 ? { written: 1, stale: 0, failed: [{ id: 'b', reason: '429', retryable: true }] } : ok(docs),
    );
    const writer = new ProjectionWriter(store, { maxDelayMs: 1, retryBaseMs: 1 });
    assert.deepEqual(await writer.write([doc('a'), doc('b')]), []);
    assert.deepEqual(
      store.calls.map((c) => c.map((d) => d.id)),
      [['a', 'b'], ['a', 'b'], ['b']],
    );
    assert.equal(writer.counters.retries, 2);
  });

  it('returns documents refused for good, so the caller can dead-letter them', async () => {
    const store = fakeStore(() => ({ written: 1, stale: 0, failed: [{ id: 'bad', reason: 'mapper_parsing_exception', retryable: false }] }));
    const writer = new ProjectionWriter(store, { maxDelayMs: 1 });
    const failed = await writer.write([doc('good'), doc('bad')]);
    assert.deepEqual(
      failed.map((f) => f.id),
      ['bad'],
    );
  });

  it('rejects after the last attempt, so the actor keeps the document dirty', async () => {
    const store = fakeStore(() => new Error('connection refused'));
    const writer = new ProjectionWriter(store, { maxDelayMs: 1, attempts: 3, retryBaseMs: 1 });
    await assert.rejects(writer.write([doc('a')]), /kept failing after 3 attempts: connection refused/);
    assert.equal(store.calls.length, 3);
    assert.deepEqual(writer.lag(), { documents: 0, oldestMs: 0 });
  });
});
