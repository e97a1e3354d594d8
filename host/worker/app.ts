// Loads a function app (a built bundle or a source entry) the way the Functions host does and
// invokes its functions through the app's own programming model, with RPC-shaped input.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { installFunctionsCore, RegistrationSink, withSink, type RpcBinding, type RpcTypedData, type Registration } from './functions-core';

export type TriggerKind = 'http' | 'entity' | 'eventHub' | 'timer' | 'other';

export interface HostedFunction {
  app: string;
  name: string;
  kind: TriggerKind;
  trigger: RpcBinding & { name: string };
  registration: Registration;
  /** The hooks its app registered (run around each invocation) and the app's hook data. */
  appHooks: AppHooks;
}

export type AppHooks = Pick<RegistrationSink, 'hooks' | 'appHookData'>;

export interface FunctionApp {
  name: string;
  entry: string;
  functions: HostedFunction[];
  hooks: RegistrationSink['hooks'];
  appHookData: Record<string, unknown>;
  appLevelHookData: Record<string, unknown>;
  /** Forgets the modules this load brought in, so a later load in this process runs them again. */
  unload(): void;
}

export type LogSink = (entry: { level: string; category: string; fn: string; invocationId: string; message: string }) => void;

const SUPPORTED_INPUTS = new Set(['durableClient', 'orchestrationClient']);
/** Output bindings the host delivers (besides an HTTP trigger's response). */
const SUPPORTED_OUTPUTS = new Set(['http', 'eventHub']);

function kindOf(type: string): TriggerKind {
  switch (type.toLowerCase()) {
    case 'httptrigger':
      return 'http';
    case 'entitytrigger':
      return 'entity';
    case 'eventhubtrigger':
      return 'eventHub';
    case 'timertrigger':
      return 'timer';
    default:
      return 'other';
  }
}

/** Loads one app; every registration it makes while loading is captured. */
export function loadApp(name: string, entry: string): FunctionApp {
  const sink = new RegistrationSink();
  const resolved = path.resolve(entry);
  installFunctionsCore(); // before the snapshot: the stand-in must outlive an unload
  const before = new Set(Object.keys(require.cache));
  withSink(sink, () => require(resolved));
  const added = Object.keys(require.cache).filter((k) => !before.has(k));
  const functions = sink.registrations.map((registration): HostedFunction => {
    const bindings = Object.entries(registration.metadata.bindings);
    const triggerEntry = bindings.find(([, b]) => /trigger$/i.test(b.type));
    if (!triggerEntry) throw new Error(`function ${registration.metadata.name} in app ${name} has no trigger binding`);
    for (const [bindingName, binding] of bindings) {
      if (binding.direction === 'in' && binding !== triggerEntry[1] && !SUPPORTED_INPUTS.has(binding.type)) {
        throw new Error(`function ${registration.metadata.name}: input binding ${bindingName} of type ${binding.type} is not supported by the local host`);
      }
      if (binding.direction === 'out' && !SUPPORTED_OUTPUTS.has(binding.type)) {
        throw new Error(`function ${registration.metadata.name}: output binding ${bindingName} of type ${binding.type} is not supported by the local host`);
      }
    }
    return {
      app: name,
      name: registration.metadata.name,
      kind: kindOf(triggerEntry[1].type),
      trigger: { ...triggerEntry[1], name: triggerEntry[0] },
      registration,
      appHooks: sink,
    };
  });
  return {
    name,
    entry: resolved,
    functions,
    hooks: sink.hooks,
    appHookData: sink.appHookData,
    appLevelHookData: sink.appLevelHookData,
    unload: () => added.forEach((k) => delete require.cache[k]),
  };
}

export interface InvokeInput {
  trigger: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Values of the extra input bindings, by binding type (e.g. durableClient). */
  extraByType?: Record<string, unknown>;
  invocationId?: string;
  /** A retry under the function's retry policy (what `context.retryContext` shows). */
  retryContext?: { retryCount: number; maxRetryCount: number };
}

export interface InvokeOutput {
  returnValue: RpcTypedData | null | undefined;
  invocationId: string;
}

/** Delivers a function's output bindings, as the Functions host does once the function returned. */
export type OutputSink = (binding: RpcBinding, value: unknown) => Promise<void>;

/** What every invocation of one function reads of its registration, worked out once. */
interface InvocationShape {
  metadata: Registration['metadata'];
  /** Its input bindings besides the trigger: [binding name, binding type]. */
  extraInputs: Array<[string, string]>;
}

const shapes = new WeakMap<HostedFunction, InvocationShape>();

function shapeOf(fn: HostedFunction): InvocationShape {
  let shape = shapes.get(fn);
  if (!shape) {
    const { metadata } = fn.registration;
    const extraInputs = Object.entries(metadata.bindings)
      .filter(([bindingName, binding]) => binding.direction === 'in' && bindingName !== fn.trigger.name)
      .map(([bindingName, binding]): [string, string] => [bindingName, binding.type]);
    shape = { metadata: { ...metadata, name: fn.name }, extraInputs };
    shapes.set(fn, shape);
  }
  return shape;
}

/** The JSON of a frozen binding value (the host passes the same one to every call), kept. */
const frozenJson = new WeakMap<object, string>();

function bindingJson(value: unknown): string {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return JSON.stringify(value);
  let json = frozenJson.get(value);
  if (json === undefined) frozenJson.set(value, (json = JSON.stringify(value)));
  return json;
}

/**
 * One invocation through the app's programming model, as the worker would run it; then its output
 * bindings are delivered (a failure there fails the invocation, as in Azure).
 */
export async function invoke(fn: HostedFunction, input: InvokeInput, log: LogSink, outputs?: OutputSink): Promise<InvokeOutput> {
  const invocationId = input.invocationId ?? randomUUID();
  const { handler, programmingModel } = fn.registration;
  const { metadata, extraInputs } = shapeOf(fn);
  const inputData: Array<{ name: string; data: RpcTypedData }> = [{ name: fn.trigger.name, data: input.trigger }];
  for (const [bindingName, type] of extraInputs) {
    const value = input.extraByType?.[type];
    if (value !== undefined) inputData.push({ name: bindingName, data: { string: bindingJson(value) } });
  }
  // Invocation hooks, as the Node.js worker runs them: preInvocation may replace the inputs and
  // the handler; postInvocation sees the result or the error and may replace either; log hooks
  // see every log line, with the invocation's hookData once its arguments are ready.
  const { hooks, appHookData } = fn.appHooks;
  const hookData: Record<string, unknown> = {};
  let logContext: LogContext | undefined;
  const model = programmingModel.getInvocationModel({
    invocationId,
    request: {
      invocationId,
      inputData,
      ...(input.triggerMetadata ? { triggerMetadata: input.triggerMetadata } : {}),
      ...(input.retryContext ? { retryContext: input.retryContext } : {}),
    },
    metadata,
    state: 'invocation',
    log: (level, category, message) => {
      const line = logHooked(fn.appHooks, { level, category, message }, logContext);
      log({ level: line.level, category, fn: fn.name, invocationId, message: line.message });
    },
  });
  const args = await model.getArguments();
  const { context } = args;
  logContext = { hookData, invocationContext: context };
  let { inputs } = args;
  let callback = handler;
  if (hooks.some((h) => h.name === 'preInvocation')) {
    const pre = hookContext(hookData, appHookData, context, { functionCallback: callback, inputs });
    await runHooks(hooks, 'preInvocation', pre);
    inputs = pre.inputs;
    callback = pre.functionCallback;
  }
  let result: unknown = null;
  let error: unknown = null;
  try {
    result = await model.invokeFunction(context, inputs, callback);
  } catch (err) {
    error = err;
  }
  if (hooks.some((h) => h.name === 'postInvocation')) {
    const post = hookContext(hookData, appHookData, context, { inputs, result, error });
    await runHooks(hooks, 'postInvocation', post);
    result = post.result;
    error = post.error;
  }
  if (error instanceof Error) throw error;
  if (error !== null && error !== undefined) throw new Error(`function ${fn.name} failed: ${String(error)}`);
  const response = await model.getResponse(context, result);
  for (const out of (response.outputData ?? []) as Array<{ name: string; data: RpcTypedData }>) {
    const binding = metadata.bindings[out.name];
    if (!binding) continue;
    if (!outputs) throw new Error(`function ${fn.name} set output binding ${out.name} (${binding.type}), which nothing delivers here`);
    await outputs(binding, fromTypedData(out.data));
  }
  return { returnValue: response.returnValue, invocationId };
}

/** A hook's context: hookData, appHookData and invocationContext read-only, the rest as given. */
function hookContext<T extends object>(hookData: object, appHookData: object, invocationContext: unknown, fields: T): T {
  const readOnly = (name: string, value: unknown): PropertyDescriptor => ({ get: () => value, set: readOnlySetter(name), enumerable: true });
  return Object.defineProperties(fields, {
    hookData: readOnly('hookData', hookData),
    appHookData: readOnly('appHookData', appHookData),
    invocationContext: readOnly('invocationContext', invocationContext),
  });
}

interface LogContext {
  hookData: object;
  invocationContext: unknown;
}

/**
 * A log line through the app's log hooks, as the worker runs them: each is called in turn and may
 * change the level and the message of a user log (a system log goes out as it was); a hook that
 * throws is ignored, so that no hook can stop a log.
 */
function logHooked(
  appHooks: AppHooks,
  line: { level: string; category: string; message: string },
  invocation: LogContext | undefined,
): { level: string; message: string } {
  const logHooks = appHooks.hooks.filter((h) => h.name === 'log');
  if (logHooks.length === 0) return line;
  const context = hookContext(
    invocation?.hookData ?? {},
    appHooks.appHookData,
    invocation?.invocationContext,
    Object.defineProperty({ level: line.level, message: line.message }, 'category', {
      get: () => line.category,
      set: readOnlySetter('category'),
      enumerable: true,
    }),
  );
  try {
    for (const hook of logHooks) void hook.callback(context);
  } catch {
    return line;
  }
  return line.category === 'user' ? { level: context.level, message: context.message } : line;
}

const readOnlySetter = (name: string) => () => {
  throw new Error(`${name} is read-only`);
};

/** Runs the app's hooks of one kind in the order registered; a hook that throws fails the invocation. */
export async function runHooks(hooks: AppHooks['hooks'], name: string, context: object): Promise<void> {
  for (const hook of hooks.filter((h) => h.name === name)) await hook.callback(context);
}

/** Decodes an RPC typed value the way the worker's converters encode it. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined) return JSON.parse(data.json);
  if (data.string !== undefined) return data.string;
  if (data.bytes !== undefined) return Buffer.from(data.bytes);
  if (typeof data.int === 'number' || typeof data.double === 'number') return data.int ?? data.double;
  return undefined;
}
