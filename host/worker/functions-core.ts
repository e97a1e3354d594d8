// A stand-in for `@azure/functions-core`, the module the Functions host's Node worker provides.
// `@azure/functions` requires it lazily on the first app.* call; placing this object in the module
// cache under that name makes every registration reach us exactly as the worker would see it:
// the function metadata (bindings) and the user's handler, plus the programming model that knows
// how to turn RPC-shaped input into HttpRequest/InvocationContext and back.
import Module from 'node:module';
import path from 'node:path';

export interface RpcBinding {
  type: string;
  direction: 'in' | 'out';
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBinding>;
  [other: string]: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: Record<string, unknown>;
  [other: string]: unknown;
}

export interface InvocationRequest {
  invocationId: string;
  inputData: Array<{ name: string; data: RpcTypedData }>;
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: { retryCount: number; maxRetryCount: number };
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<{ returnValue?: RpcTypedData | null; outputData?: unknown[] }>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: {
    invocationId: string;
    request: InvocationRequest;
    metadata: FunctionMetadata;
    state?: string;
    log(level: string, category: string, message: string): void;
  }): InvocationModel;
}

export interface Registration {
  metadata: FunctionMetadata;
  handler: FunctionCallback;
  programmingModel: ProgrammingModel;
}

type HookCallback = (context: unknown) => unknown;

/** Collects what one app registers while it is being loaded. */
export class RegistrationSink {
  readonly registrations: Registration[] = [];
  readonly hooks: Array<{ name: string; callback: HookCallback }> = [];
  /** The app's `appHookData`: one object every hook of the app sees (the core API's). */
  readonly appHookData: Record<string, unknown> = {};
  /** The `hookData` of its app-level hooks, shared by appStart and appTerminate (as the worker's appLevelOnlyHookData). */
  readonly appLevelHookData: Record<string, unknown> = {};
  programmingModel: ProgrammingModel | undefined;
}

let activeSink: RegistrationSink | undefined;
// `@azure/functions` sets its programming model once per module instance; apps loaded from source
// share one instance, so later apps inherit the model the first one set.
let lastProgrammingModel: ProgrammingModel | undefined;
let systemLog: (level: string, category: string, message: string) => void = () => {};

export function setSystemLog(log: typeof systemLog): void {
  systemLog = log;
}

const coreApi = {
  version: '3.10.1-meshgraph-host',
  hostVersion: '4.1037.0-meshgraph-host',
  setProgrammingModel(model: ProgrammingModel): void {
    requireSink('setProgrammingModel').programmingModel = model;
    lastProgrammingModel = model;
  },
  getProgrammingModel(): ProgrammingModel | undefined {
    return activeSink?.programmingModel ?? lastProgrammingModel;
  },
  registerFunction(metadata: FunctionMetadata, handler: FunctionCallback): { dispose(): void } {
    const sink = requireSink(`registerFunction(${metadata.name})`);
    const programmingModel = sink.programmingModel ?? lastProgrammingModel;
    if (!programmingModel) throw new Error(`function ${metadata.name} registered before a programming model was set`);
    sink.registrations.push({ metadata, handler, programmingModel });
    return {
      dispose: () =>
        void sink.registrations.splice(
          sink.registrations.findIndex((r) => r.metadata === metadata),
          1,
        ),
    };
  },
  registerHook(name: string, callback: HookCallback): { dispose(): void } {
    const sink = requireSink(`registerHook(${name})`);
    const entry = { name, callback };
    sink.hooks.push(entry);
    return { dispose: () => void sink.hooks.splice(sink.hooks.indexOf(entry), 1) };
  },
  log(level: string, category: string, message: string): void {
    systemLog(level, category, message);
  },
  Disposable: class {
    constructor(private readonly callOnDispose: () => void) {}
    dispose(): void {
      this.callOnDispose();
    }
  },
};

function requireSink(call: string): RegistrationSink {
  if (!activeSink) throw new Error(`@azure/functions-core: ${call} called outside of an app load`);
  return activeSink;
}

const CORE_ID = '@azure/functions-core';
const VIRTUAL_FILE = path.join(__dirname, '__azure_functions_core_standin__.js');
let installed = false;

/** Makes `require('@azure/functions-core')` resolve to the stand-in, from any bundle or package. */
export function installFunctionsCore(): void {
  if (installed) return;
  installed = true;
  const mod = new Module(VIRTUAL_FILE);
  mod.filename = VIRTUAL_FILE;
  mod.loaded = true;
  mod.exports = coreApi;
  require.cache[VIRTUAL_FILE] = mod;
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === CORE_ID) return VIRTUAL_FILE;
    return original.call(this, request, ...rest);
  };
}

/** Runs `load` with `sink` receiving every registration it makes. Loads are serialized by callers. */
export function withSink<T>(sink: RegistrationSink, load: () => T): T {
  installFunctionsCore();
  activeSink = sink;
  try {
    return load();
  } finally {
    activeSink = undefined;
  }
}
