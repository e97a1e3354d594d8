// The local Functions host: loads the apps, serves their HTTP triggers and the durable client
// API, runs their entities on an embedded SQLite store (or Azurite tables, or in memory), and
// stops cleanly.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadApp, runHooks, type FunctionApp, type LogSink } from './worker/app';
import { ensureAzurite, localPorts, type RunningAzurite } from './azurite';
import { EntityRuntime } from './entities/runtime';
import { MemoryEntityStore } from './entities/memory-store';
import { TableEntityStore } from './entities/table-store';
import { openSqliteEntityStore } from './entities/sqlite-store';
import type { EntityStore } from './entities/store';
import { consoleLogSink } from './log';
import { createServer, durableClientData, DURABLE_PREFIX } from './server';
import { LocalEventStream } from './event-stream';
import type { ConsumerClientFactory, EventHubConsumers } from './eventhub-consumer';
import { hostOutputs } from './outputs';
import { startTimers, type TimerTriggers } from './timer';
import { applyLocalSettings, readHostJson } from './settings';
import { setSystemLog } from './worker/functions-core';
import { forgetConfig, loadConfig, type HostStoreKind } from '../core/config';
import { contractsModuleSetting, resolveModuleFile } from '../adapters/contracts/module-file';
import { checkBundleContracts, type CurrentProduct } from './bundle-contracts';
import { lockDataDir } from './data-lock';

export interface AppEntry {
  name: string;
  /** A built bundle (dist/<app>/main.js) or a source entry (functions/index.ts, under tsx). */
  entry: string;
}

export interface HostOptions {
  apps: AppEntry[];
  /** 0 picks a free port. Default: the PORT setting. */
  port?: number;
  /** Where entity state and queues live. Default: the MESH_STORE setting (sqlite). */
  store?: HostStoreKind;
  log?: LogSink;
  /** Where host.json is read from. Default: the current directory. */
  root?: string;
  concurrency?: number;
  /** Makes the Event Hubs consumer clients when EventHubConnection is set (tests pass a stand-in). */
  eventHubClients?: ConsumerClientFactory;
}

export interface RunningHost {
  url: string;
  port: number;
  apps: FunctionApp[];
  runtime: EntityRuntime;
  store: EntityStore;
  startedInMs: number;
  /** Operations a previous run left unconsumed, resumed at this start. */
  recovered: number;
  stop(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const started = performance.now();
  const root = options.root ?? process.cwd();
  applyLocalSettings(path.join(root, 'local.settings.json'));
  const cfg = loadConfig(process.env);
  const log = options.log ?? consoleLogSink(cfg.logLevel === 'warn' ? 'warning' : cfg.logLevel);
  const say = (message: string) => log({ level: 'information', category: 'host', fn: 'host', invocationId: '', message });
  setSystemLog((level, category, message) => log({ level, category, fn: 'worker', invocationId: '', message }));
  await checkBuiltContracts(options.apps, root);

  const storeKind = options.store ?? cfg.host.store;
  // One host per data directory: a second one refuses, naming the first (before touching Azurite).
  const lock = lockDataDir(cfg.dataDir);
  let azurite: RunningAzurite | undefined;
  let store: EntityStore;
  try {
    if (storeKind === 'memory') store = new MemoryEntityStore();
    else {
      const connection = cfg.storage.connectionString;
      if (!connection) throw new Error('setting AzureWebJobsStorage: the local host needs a connection string (UseDevelopmentStorage=true for Azurite)');
      const ports = localPorts(connection);
      // Azurite serves what the apps keep through the storage APIs (dead letters, checkpoints…)
      // whichever store holds the entities.
      if (ports) azurite = await ensureAzurite(lock.dir, ports, say, { connectionString: connection, mode: cfg.host.azurite });
      store = storeKind === 'sqlite' ? openSqliteEntityStore(lock.dir) : new TableEntityStore(connection);
    }
  } catch (err) {
    await azurite?.stop();
    lock.release();
    throw err;
  }

  const hostJson = readHostJson(root);
  const runtime = new EntityRuntime({ store, log, maxBatch: hostJson.extensions?.durableTask?.maxEntityOperationBatchSize, concurrency: options.concurrency });
  try {
    // An app loaded from source shares this process's modules: it reads its settings afresh, as a
    // new worker process would (a bundle has its own copy of them anyway).
    forgetConfig();
    const apps = options.apps.map((a) => loadApp(a.name, a.entry));
    const functions = apps.flatMap((a) => a.functions);
    functions.filter((f) => f.kind === 'entity').forEach((f) => runtime.register(f));
    let origin = '';
    const taskHub = hostJson.extensions?.durableTask?.hubName ?? 'meshgraph';
    const stream = new LocalEventStream(
      runtime,
      functions.filter((f) => f.kind === 'eventHub'),
      hostJson.extensions?.eventHubs?.maxEventBatchSize ?? 100,
      () => durableClientData(origin, taskHub),
      log,
    );
    // Event Hubs output bindings: to the event hub when one is set, else to the stream, in-process.
    const outputs = hostOutputs(stream, cfg.eventHub);
    stream.outputs = outputs.sink;
    for (const a of apps)
      await runHooks(a.hooks, 'appStart', { hookData: a.appLevelHookData, appHookData: a.appHookData, functionAppDirectory: path.dirname(a.entry) });

    let ready = false;
    let closing = false;
    let consumers: EventHubConsumers | undefined;
    const server = createServer({
      functions,
      runtime,
      log,
      taskHub,
      outputs: outputs.sink,
      isReady: () => ready,
      isStopping: () => closing,
      hostStatus: () => ({
        store: store.kind,
        ...runtime.depth(),
        ...runtime.counters,
        eventStream: stream.counters,
        ...(consumers ? { eventHub: consumers.counters } : {}),
        uptimeMs: Math.round(performance.now() - started),
      }),
    });
    const port = options.port ?? cfg.host.port;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: set PORT to another port`) : err),
      );
      server.listen(port, '127.0.0.1', resolve);
    });
    const requestsInFlight = trackRequests(server);
    const actualPort = (server.address() as AddressInfo).port;
    lock.setPort(actualPort);
    const url = `http://localhost:${actualPort}`;
    origin = `http://127.0.0.1:${actualPort}`;
    const eventHubSet = Boolean(cfg.eventHub.connectionString || cfg.eventHub.fullyQualifiedNamespace);
    const recovered = await runtime.start();
    if (recovered > 0) say(`resuming ${recovered} operations left by the previous run`);
    ready = true;
    const timers: TimerTriggers = startTimers(
      functions.filter((f) => f.kind === 'timer'),
      { log, durableClient: () => durableClientData(origin, taskHub), outputs: outputs.sink },
    );
    // With one, its consumer feeds the same triggers (after recovery: the triggers signal this host).
    const hubTriggers = functions.filter((f) => f.kind === 'eventHub');
    if (eventHubSet && hubTriggers.length > 0) {
      try {
        // Loaded only with a hub: the Event Hubs and blob clients are large and most runs need neither.
        const { blobCheckpointStore, startEventHubConsumers } = await import('./eventhub-consumer');
        consumers = await startEventHubConsumers({
          triggers: hubTriggers,
          maxEventBatchSize: hostJson.extensions?.eventHubs?.maxEventBatchSize ?? 100,
          prefetchCount: hostJson.extensions?.eventHubs?.prefetchCount,
          durableClient: () => durableClientData(origin, taskHub),
          outputs: outputs.sink,
          log,
          ...(storeKind === 'memory' ? {} : { checkpointStore: await blobCheckpointStore(cfg.storage) }),
          ...(options.eventHubClients ? { clientFactory: options.eventHubClients } : {}),
        });
      } catch (err) {
        await timers.stop();
        await new Promise<void>((r) => server.close(() => r()));
        throw err;
      }
    }
    const startedInMs = Math.round(performance.now() - started);
    say(`ready in ${startedInMs} ms on ${url} (store: ${store.kind}); functions: ${functions.map((f) => `${f.app}/${f.name}`).join(', ')}`);

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await timers.stop();
        await consumers?.close(); // first: a batch being delivered still needs the durable API
        // New requests get a 503; those under way end, and then the batches in flight. All of
        // them may still call the durable API (the event stream's trigger does, over HTTP), so
        // the server closes last.
        closing = true;
        await requestsInFlight.drained();
        stream.stop(); // a batch being retried stays queued for the next start
        await runtime.stop();
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await outputs.close();
        // As the worker does when it is told to terminate: after the last invocation.
        for (const a of apps)
          await runHooks(a.hooks, 'appTerminate', { hookData: a.appLevelHookData, appHookData: a.appHookData }).catch((err) =>
            say(`appTerminate hook of ${a.name} failed: ${String(err)}`),
          );
        await azurite?.stop();
        apps.forEach((a) => a.unload());
        lock.release();
      })());
    return { url, port: actualPort, apps, runtime, store, startedInMs, recovered, stop };
  } catch (err) {
    await runtime.stop().catch(() => {});
    await azurite?.stop();
    lock.release();
    throw err;
  }
}

/** Refuses built apps that hold another data product (or version) than MESH_CONTRACTS names now. */
async function checkBuiltContracts(apps: readonly AppEntry[], root: string): Promise<void> {
  const module = contractsModuleSetting(process.env);
  const file = resolveModuleFile(module, root);
  let loaded: Promise<{ name: string; version: string }> | undefined;
  const current: CurrentProduct = {
    module,
    ...(file ? { file } : {}),
    // Loaded from source only when a build's files differ from the ones it names: then once.
    load: () =>
      (loaded ??= import('../adapters/contracts/load').then(async ({ loadDataProduct }) => {
        const product = await loadDataProduct(module, root);
        return { name: product.model.name, version: product.version };
      })),
  };
  for (const app of apps) await checkBundleContracts(app.name, app.entry, root, current);
}

/** Counts the requests under way other than the durable API's (those serve the batches in flight). */
function trackRequests(server: Server): { drained(): Promise<void> } {
  let open = 0;
  const waiters: Array<() => void> = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith(DURABLE_PREFIX)) return;
    open++;
    res.once('close', () => {
      if (--open === 0) waiters.splice(0).forEach((w) => w());
    });
  });
  return { drained: () => (open === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))) };
}
