// Batch entities: durable-functions' own runner runs each operation, and the entity reads its state
// once per batch, folds every operation in, and sets state and signals once at the end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { batchEntityHandler, type BatchEntity } from '../../../actors/batched';

interface Tally {
  total: number;
  seen: number[];
}

function counter(calls: { begin: number; end: number; getState: number; setState: number }): BatchEntity<Tally> {
  return {
    begin(context) {
      calls.begin++;
      calls.getState++;
      return { total: (context.df.getState() as number | undefined) ?? 0, seen: [] };
    },
    step(batch, context) {
      const n = context.df.getInput() as number;
      if (n < 0) throw new Error(`negative: ${n}`);
      batch.total += n;
      batch.seen.push(n);
    },
    end(batch, context) {
      calls.end++;
      calls.setState++;
      context.df.setState(batch.total);
      context.df.signalEntity(new df.EntityId('log', 'l1'), 'added', batch.seen);
    },
  };
}

const trigger = (inputs: number[], state?: number) => ({
  self: { name: 'counter', key: 'c1' },
  exists: state !== undefined,
  state: state === undefined ? undefined : JSON.stringify(state),
  batch: inputs.map((n, i) => ({ id: `op${i}`, name: 'add', signal: true, input: JSON.stringify(n) })),
});

interface Returned {
  entityExists: boolean;
  entityState?: string;
  results: Array<{ isError: boolean; result?: string }>;
  signals: Array<{ target: { name: string; key: string }; name: string; input?: string }>;
}

describe('batch entities', () => {
  it('reads state once, folds every operation, sets state and signals once per batch', async () => {
    const calls = { begin: 0, end: 0, getState: 0, setState: 0 };
    const handler = batchEntityHandler(counter(calls));
    assert.ok(handler, "durable-functions' entity runner is where we expect it");
    const out = (await handler(trigger([1, 2, 3, 4], 10), new InvocationContext())) as Returned;
    assert.equal(out.entityState, '20');
    assert.equal(out.results.length, 4);
    assert.ok(out.results.every((r) => !r.isError));
    assert.deepEqual(calls, { begin: 1, end: 1, getState: 1, setState: 1 });
    assert.equal(out.signals.length, 1);
    assert.deepEqual(JSON.parse(out.signals[0]!.input!), [1, 2, 3, 4]);
  });

  it('fails only the operation that threw, and still ends the batch when it was the last', async () => {
    const calls = { begin: 0, end: 0, getState: 0, setState: 0 };
    const handler = batchEntityHandler(counter(calls))!;
    const out = (await handler(trigger([5, -1, 7, -2]), new InvocationContext())) as Returned;
    assert.deepEqual(out.results.map((r) => r.isError), [false, true, false, true]);
    assert.equal(out.entityState, '12');
    assert.equal(calls.end, 1);
  });

  it('keeps batches of concurrent invocations apart', async () => {
    const calls = { begin: 0, end: 0, getState: 0, setState: 0 };
    const handler = batchEntityHandler(counter(calls))!;
    const [a, b] = (await Promise.all([handler(trigger([1, 1]), new InvocationContext()), handler(trigger([100], 1), new InvocationContext())])) as Returned[];
    assert.equal(a!.entityState, '2');
    assert.equal(b!.entityState, '101');
    assert.equal(calls.begin, 2);
  });
});
