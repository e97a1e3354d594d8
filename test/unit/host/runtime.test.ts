// The entity runtime's scheduling promises, with a plain queue handler over the memory store:
// one batch at a time per entity, operations in arrival order, batches no larger than the
// maximum, many entities at once, signals delivered, a failed batch leaves no trace and runs
// again, and a restart runs what the previous run left queued.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntityRuntime, UnknownEntityError, type BatchOutput, type QueueHandler } from '../../../host/entities/runtime';
import { MemoryEntityStore } from '../../../host/entities/memory-store';
import type { LogSink } from '../../../host/worker/app';

const quiet: LogSink = () => {};

/** A counter entity: state is the list of inputs it saw; op 'forward' signals `to` with its input. */
function counter(seen: Array<{ key: string; batch: string[] }>, options: { delayMs?: number; active?: Map<string, number> } = {}): QueueHandler {
  return async (key, current, batch) => {
    const active = options.active;
    if (active) {
      active.set(key, (active.get(key) ?? 0) + 1);
      assert.equal(active.get(key), 1, `two batches of ${key} at once`);
    }
    seen.push({ key, batch: batch.map((op) => op.input) });
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    active?.set(key, active.get(key)! - 1);
    const state = current?.state ? (JSON.parse(current.state) as string[]) : [];
    const signals: BatchOutput['signals'] = [];
    for (const op of batch) {
      state.push(op.input);
      if (op.op === 'forward') signals.push({ target: { name: 'counter', key: 'sink' }, name: 'add', input: `${key}>${op.input}` });
    }
    return { entityExists: true, entityState: JSON.stringify(state), results: batch.map(() => ({ isError: false })), signals };
  };
}

describe('entity runtime', () => {
  it('runs one batch at a time per entity, in arrival order, within the batch limit, many entities at once', async () => {
    const store = new MemoryEntityStore();
    const runtime = new EntityRuntime({ store, log: quiet, concurrency: 8 });
    const seen: Array<{ key: string; batch: string[] }> = [];
    const active = new Map<string, number>();
    runtime.registerQueue('counter', counter(seen, { delayMs: 2, active }), 5);
    await runtime.start();
    const keys = ['a', 'b', 'c'];
    for (let i = 0; i < 40; i++) for (const key of keys) await runtime.signal('counter', key, 'add', String(i));
    await runtime.idle();
    for (const key of keys) {
      const state = JSON.parse((await runtime.read('counter', key))!.state!) as string[];
      assert.deepEqual(
        state,
        Array.from({ length: 40 }, (_, i) => String(i)),
        `${key} saw every operation once, in order`,
      );
      const batches = seen.filter((s) => s.key === key);
      assert.ok(
        batches.every((b) => b.batch.length <= 5),
        'no batch over the limit',
      );
      assert.ok(
        batches.some((b) => b.batch.length > 1),
        'operations queued while a batch ran share the next one',
      );
    }
    assert.equal(runtime.counters.operations, 120);
    assert.deepEqual(runtime.batchesByEntity, { counter: seen.length }, 'batches counted by entity');
    assert.equal(runtime.depth().pendingOperations, 0);
    await runtime.stop();
  });

  it('delivers the signals a batch emits, after committing it', async () => {
    const store = new MemoryEntityStore();
    const runtime = new EntityRuntime({ store, log: quiet });
    runtime.registerQueue('counter', counter([]), 10);
    await runtime.start();
    await runtime.signal('counter', 'x', 'forward', '1');
    await runtime.signal('counter', 'y', 'forward', '2');
    await runtime.idle();
    assert.deepEqual((JSON.parse((await runtime.read('counter', 'sink'))!.state!) as string[]).sort(), ['x>1', 'y>2']);
    assert.equal(runtime.counters.signalsEmitted, 2);
    await runtime.stop();
  });

  it('keeps a failed batch queued, with no trace of it, and runs it again', async () => {
    const store = new MemoryEntityStore();
    const logged: string[] = [];
    const runtime = new EntityRuntime({ store, log: (e) => logged.push(e.message) });
    let failures = 1;
    const inner = counter([]);
    runtime.registerQueue(
      'counter',
      async (key, current, batch) => {
        const out = await inner(key, current, batch);
        if (failures-- > 0) throw new Error('disk on fire');
        return out;
      },
      10,
    );
    await runtime.start();
    await runtime.signal('counter', 'k', 'forward', 'once');
    await runtime.idle();
    assert.deepEqual(JSON.parse((await runtime.read('counter', 'k'))!.state!), ['once'], 'applied once, not twice');
    assert.deepEqual(JSON.parse((await runtime.read('counter', 'sink'))!.state!), ['k>once'], 'the failed attempt sent nothing');
    assert.equal(runtime.counters.failedBatches, 1);
    assert.match(logged.join('\n'), /entity batch failed \(attempt 1, 1 operations kept\): Error: disk on fire/);
    await runtime.stop();
  });

  it('refuses a signal to an entity no app defines, naming the known ones', async () => {
    const runtime = new EntityRuntime({ store: new MemoryEntityStore(), log: quiet });
    runtime.registerQueue('counter', counter([]), 10);
    await runtime.start();
    await assert.rejects(
      runtime.signal('ledger', 'k', 'add', '1'),
      (err: Error) => err instanceof UnknownEntityError && /ledger/.test(err.message) && /counter/.test(err.message),
    );
    await runtime.stop();
  });

  it('runs on restart what the previous run left queued, including operations for an entity registered later', async () => {
    const store = new MemoryEntityStore();
    const first = new EntityRuntime({ store, log: quiet });
    // Registered, but its handler never finishes a batch: the operations stay queued in the store.
    first.registerQueue('counter', () => new Promise<BatchOutput>(() => {}), 10);
    await first.start();
    await first.signal('counter', 'k', 'add', '1');
    await first.signal('counter', 'k', 'add', '2');
    const second = new EntityRuntime({ store, log: quiet });
    assert.equal(await second.start(), 2, 'both operations recovered');
    assert.equal(second.depth().pendingOperations, 2, 'waiting for a handler');
    second.registerQueue('counter', counter([]), 10);
    await second.idle();
    assert.deepEqual(JSON.parse((await second.read('counter', 'k'))!.state!), ['1', '2']);
    await second.stop();
  });
});
