// Operation sequence numbers key stored operations: a new run must never reuse one that a previous
// run left pending, even when the clock was set back in between.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EntityRuntime } from '../../../host/entities/runtime';
import { MemoryEntityStore } from '../../../host/entities/memory-store';
import { instanceId, SequenceClock, type QueuedOperation } from '../../../host/entities/store';

describe('operation sequence', () => {
  it('is increasing, and comes after every sequence observed', () => {
    const clock = new SequenceClock();
    const a = clock.next();
    const b = clock.next();
    assert.ok(b > a && b.length === a.length);
    const future = String(Date.now() * 1000 + 10 ** 12).padStart(17, '0');
    clock.observe(future);
    assert.ok(clock.next() > future);
  });

  it('a runtime numbers new operations after those a previous run left pending', async () => {
    const store = new MemoryEntityStore();
    // Left by a run whose clock was ahead (this one's was set back since).
    const ahead = String(Date.now() * 1000 + 10 ** 12).padStart(17, '0');
    const left: QueuedOperation = { seq: ahead, target: instanceId('q', 'k'), op: 'x', input: '', from: 'client', enqueuedAt: 1 };
    await store.enqueue([left]);
    const enqueued: string[] = [];
    const enqueue = store.enqueue.bind(store);
    store.enqueue = (ops) => (enqueued.push(...ops.map((o) => o.seq)), enqueue(ops));
    const runtime = new EntityRuntime({ store, log: () => {} });
    runtime.registerQueue('q', async () => ({ entityExists: false, results: [], signals: [] }), 10);
    await runtime.start();
    await runtime.signal('q', 'k', 'x', '');
    await runtime.idle();
    assert.equal(enqueued.length, 1);
    assert.ok(enqueued[0]! > ahead, `${enqueued[0]} comes after ${ahead}`);
  });
});
