// Batch entities: durable-functions' own runner runs each operation, and the entity reads its state
// once per batch, folds every operation in, and sets state and signals once at the end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import fs from 'node:fs';
import path from 'node:path';
import { RUNNER_CONTRACT, batchEntityHandler, libraryRunner, type BatchEntity } from '../../../actors/batched';

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
    const handler = batchEntityHandler(counter(calls));
    const out = (await handler(trigger([5, -1, 7, -2]), new InvocationContext())) as Returned;
    assert.deepEqual(
      out.results.map((r) => r.isError),
      [false, true, false, true],
    );
    assert.equal(out.entityState, '12');
    assert.equal(calls.end, 1);
  });

  it('keeps batches of concurrent invocations apart', async () => {
    const calls = { begin: 0, end: 0, getState: 0, setState: 0 };
    const handler = batchEntityHandler(counter(calls));
    const [a, b] = (await Promise.all([handler(trigger([1, 1]), new InvocationContext()), handler(trigger([100], 1), new InvocationContext())])) as Returned[];
    assert.equal(a!.entityState, '2');
    assert.equal(b!.entityState, '101');
    assert.equal(calls.begin, 2);
  });
});

describe("the contract with durable-functions' runner", () => {
  const root = path.join(__dirname, '../../..');
  it('is the pinned release: package.json, the installed library and the contract agree', () => {
    const pinned = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).dependencies[RUNNER_CONTRACT.library];
    const installed = JSON.parse(fs.readFileSync(require.resolve(`${RUNNER_CONTRACT.library}/package.json`), 'utf8')).version;
    assert.equal(pinned, RUNNER_CONTRACT.version, 'package.json pins the exact release actors/batched.ts was checked against');
    assert.equal(installed, RUNNER_CONTRACT.version, 'the installed library is that release');
  });

  it('runs the operations of a batch one at a time, in order, each awaited, on any context object', async () => {
    const log: string[] = [];
    const run = libraryRunner()(async (context) => {
      const n = context.df.getInput() as number;
      log.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, 3 - n));
      log.push(`end ${n}`);
    });
    const out = (await run(trigger([0, 1, 2]), new InvocationContext())) as Returned;
    assert.deepEqual(log, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    assert.equal(out.results.length, 3);
  });

  it('fails at registration, naming the contract, when the runner is not where it was', () => {
    const cached = require.resolve(RUNNER_CONTRACT.module);
    const Module = require('node:module') as { _resolveFilename: (...args: unknown[]) => string };
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request: unknown, ...rest: unknown[]) {
      if (request === RUNNER_CONTRACT.module) throw Object.assign(new Error('moved'), { code: 'MODULE_NOT_FOUND' });
      return resolve.call(this, request, ...rest);
    };
    const kept = require.cache[cached];
    delete require.cache[cached];
    try {
      assert.throws(() => libraryRunner(), /written against 3\.5\.0 \(pinned in package\.json\)/);
    } finally {
      Module._resolveFilename = resolve;
      if (kept) require.cache[cached] = kept;
    }
  });
});
