// durable-functions runs an entity function once per operation of a batch, and its getState and
// setState parse and serialize the whole state on every call (~60-100 µs for a 3 KB node state).
// An entity whose operations fold into one transition can take the batch instead: read the state
// once, fold each operation in, and once at the end set the state, send the signals and do the
// I/O. The operations still run in durable-functions' own Entity runner (results, errors and
// signals per operation, as the extension expects); what this adds is the batch size, read from
// the trigger before the runner starts, so the last operation knows it is the last.
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { EntityContext, EntityHandler } from 'durable-functions';

export interface BatchEntity<B> {
  /** The first operation of a batch: read the state (once). */
  begin(context: EntityContext<unknown>): B;
  /** Every operation, the first included: fold its input in. A throw fails that operation only. */
  step(batch: B, context: EntityContext<unknown>): void;
  /** After the last operation: set the state, signal, perform I/O. */
  end(batch: B, context: EntityContext<unknown>): void | Promise<void>;
}

type Runner = (trigger: unknown, context: unknown) => Promise<unknown>;

/** The library's per-operation runner (what df.app.entity registers), if its layout is the one we know. */
function libraryRunner(): ((fn: EntityHandler<unknown>) => Runner) | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('durable-functions/lib/src/util/testingUtils') as { createEntityFunction?: (fn: EntityHandler<unknown>) => Runner };
    return typeof mod.createEntityFunction === 'function' ? mod.createEntityFunction : undefined;
  } catch {
    return undefined;
  }
}

/** The per-operation function: folds into the invocation's batch, ends it at its last operation. */
function perOperation<B>(entity: BatchEntity<B>, sizes: WeakMap<object, number>): EntityHandler<unknown> {
  // Per invocation (one batch): the batch being folded and the operations left to run.
  const open = new WeakMap<object, { batch: B; left: number }>();
  return async (context) => {
    let current = open.get(context);
    if (!current) {
      current = { batch: entity.begin(context), left: sizes.get(context) ?? 1 };
      open.set(context, current);
    }
    let failure: unknown;
    try {
      entity.step(current.batch, context);
    } catch (err) {
      failure = err ?? new Error('operation failed');
    }
    if (--current.left <= 0) {
      open.delete(context);
      await entity.end(current.batch, context);
    }
    if (failure !== undefined) throw failure;
  };
}

/** The function to register for a batch entity: the library's runner, told the batch size (undefined if the runner is not the one we know). */
export function batchEntityHandler<B>(entity: BatchEntity<B>): Runner | undefined {
  const create = libraryRunner();
  if (!create) return undefined;
  const sizes = new WeakMap<object, number>();
  const run = create(perOperation(entity, sizes));
  return (trigger, context) => {
    const batch = (trigger as { batch?: unknown[] } | undefined)?.batch;
    sizes.set(context as object, Array.isArray(batch) && batch.length > 0 ? batch.length : 1);
    return run(trigger, context);
  };
}

/** Registers `name` as a durable entity whose operations fold into one transition per batch. */
export function registerBatchEntity<B>(name: string, entity: BatchEntity<B>): void {
  const handler = batchEntityHandler(entity);
  // Without the runner we know, every operation is a batch of one: slower, same result.
  if (handler) app.generic(name, { trigger: df.trigger.entity(), handler });
  else df.app.entity(name, perOperation(entity, new WeakMap()));
}
