// durable-functions runs an entity function once per operation of a batch, and its getState and
// setState parse and serialize the whole state on every call (~60-100 µs for a 3 KB node state).
// An entity whose operations fold into one transition can take the batch instead: read the state
// once, fold each operation in, and once at the end set the state, send the signals and do the
// I/O. The operations still run in durable-functions' own Entity runner (results, errors and
// signals per operation, as the extension expects); what this adds is the batch size, read from
// the trigger before the runner starts, so the last operation knows it is the last.
//
// The contract: the runner is durable-functions' per-operation runner (`createEntityFunction`,
// what its public `df.app.entity` registers), which the library does not export publicly. This
// module pins the release it was checked against (RUNNER_CONTRACT, the exact version in
// package.json); test/unit/actors/batched.test.ts fails when the installed library differs or
// the runner stops running operations one at a time, in order, awaiting each. If the module is
// missing, registration throws: there is no silent fallback to one operation per batch.
// Per-invocation state travels in an AsyncLocalStorage, so no assumption is made about which
// context object the runner hands each operation. The library is loaded on the first invocation:
// an app that starts to serve HTTP does not pay for it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { app, trigger } from '@azure/functions';
import type { EntityContext } from 'durable-functions';

export const RUNNER_CONTRACT = {
  library: 'durable-functions',
  version: '3.5.0',
  module: 'durable-functions/lib/src/util/testingUtils',
  export: 'createEntityFunction',
} as const;

/** How entities run, for /api/health. */
export const ENTITY_MODE = { mode: 'batch', runner: `${RUNNER_CONTRACT.library} ${RUNNER_CONTRACT.version}` } as const;

export interface BatchEntity<B> {
  /** The first operation of a batch: read the state (once). */
  begin(context: EntityContext<unknown>): B;
  /** Every operation, the first included: fold its input in. A throw fails that operation only. */
  step(batch: B, context: EntityContext<unknown>): void;
  /** After the last operation: set the state, signal, perform I/O. */
  end(batch: B, context: EntityContext<unknown>): void | Promise<void>;
}

type Runner = (trigger: unknown, context: unknown) => Promise<unknown>;

/**
 * An operation function as the runner calls it. The library's own type says it returns nothing,
 * but its runner awaits what it returns (Entity.js: `yield Promise.resolve(this.fn(context))`),
 * part of the contract above and pinned by its test.
 */
export type OperationHandler = (context: EntityContext<unknown>) => void | Promise<void>;

/** The library's per-operation runner; throws, naming the contract, when it is not where it was. */
export function libraryRunner(): (fn: OperationHandler) => Runner {
  let mod: { createEntityFunction?: unknown } | undefined;
  try {
    mod = require('durable-functions/lib/src/util/testingUtils') as { createEntityFunction?: unknown };
  } catch {
    mod = undefined;
  }
  if (typeof mod?.createEntityFunction !== 'function') {
    throw new Error(
      `${RUNNER_CONTRACT.library}: ${RUNNER_CONTRACT.module} has no ${RUNNER_CONTRACT.export}; actors/batched.ts was written against ${RUNNER_CONTRACT.version} (pinned in package.json). Pin that release again, or update actors/batched.ts and its contract test`,
    );
  }
  return mod.createEntityFunction as (fn: OperationHandler) => Runner;
}

/** One invocation (one batch): the batch being folded and the operations left to run. */
interface Open<B> {
  batch?: B;
  left: number;
}

/** The per-operation function: folds into the invocation's batch, ends it at its last operation. */
function perOperation<B>(entity: BatchEntity<B>, invocation: AsyncLocalStorage<Open<B>>): OperationHandler {
  return async (context) => {
    const open = invocation.getStore();
    if (!open) throw new Error('a batch entity operation ran outside its invocation');
    open.batch ??= entity.begin(context);
    let failure: Error | undefined;
    try {
      entity.step(open.batch, context);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(`operation failed: ${String(err)}`);
    }
    if (--open.left === 0) await entity.end(open.batch, context);
    if (failure !== undefined) throw failure;
  };
}

/** The function to register for a batch entity: the library's runner, told the batch size. */
export function batchEntityHandler<B>(entity: BatchEntity<B>): Runner {
  const invocation = new AsyncLocalStorage<Open<B>>();
  const run = libraryRunner()(perOperation(entity, invocation));
  return (trigger, context) => {
    const batch = (trigger as { batch?: unknown[] } | undefined)?.batch;
    return invocation.run({ left: Array.isArray(batch) && batch.length > 0 ? batch.length : 1 }, () => run(trigger, context));
  };
}

/** The entity trigger binding (what durable-functions' `df.trigger.entity()` declares). */
const entityTrigger = () => trigger.generic({ type: 'entityTrigger' });

/** Registers `name` as a durable entity whose operations fold into one transition per batch. */
export function registerBatchEntity<B>(name: string, entity: BatchEntity<B>): void {
  let handler: Runner | undefined;
  app.generic(name, { trigger: entityTrigger(), handler: (input, context) => (handler ??= batchEntityHandler(entity))(input, context) });
}
