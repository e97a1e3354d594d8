// Starts Azurite (a real Azure Storage emulator, from node_modules) when nothing listens on its
// ports, and stops it cleanly on exit (a clean stop saves its tables to disk at once).
//
// An Azurite holds the actors' state, and the data directory holds the search index built from
// them: the two must belong together. So the host writes into the storage it uses a marker naming
// its data directory (table `meshgraphhost`), and an Azurite it finds already listening is used
// only when it is this data directory's: its marker names it, or it holds no meshgraph data yet
// (then it is claimed), or it is the one this directory's pid file names (started by a host that
// was killed, or by a meshgraph from before the marker: adopted, and stopped on exit). One that
// holds another directory's data, or meshgraph data of an unknown directory, is refused naming
// both, unless MESH_AZURITE=external (use whatever AzureWebJobsStorage points at, as it is).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { RestError, TableClient } from '@azure/data-tables';
import { tableAccountOf, type TableAccount } from '../adapters/deadletter/table-rest';
import { ENTITY_TABLE } from './entities/table-store';

/** Azurite's well-known development account (public, documented; not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export const DEFAULT_PORTS: AzuritePorts = { blob: 10000, queue: 10001, table: 10002 };

export function connectionStringFor(ports: AzuritePorts, host = '127.0.0.1'): string {
  const ep = (port: number) => `http://${host}:${port}/${DEV_ACCOUNT}`;
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${ep(ports.blob)};QueueEndpoint=${ep(ports.queue)};TableEndpoint=${ep(ports.table)};`;
}

/** The emulator ports a connection string points at, or undefined when it is not local. */
export function localPorts(connectionString: string): AzuritePorts | undefined {
  if (connectionString.trim() === 'UseDevelopmentStorage=true') return DEFAULT_PORTS;
  const port = (name: string, fallback: number) => {
    const m = new RegExp(`${name}Endpoint=https?://(127\\.0\\.0\\.1|localhost):(\\d+)`, 'i').exec(connectionString);
    return m ? Number(m[2]) : fallback;
  };
  if (!/(127\.0\.0\.1|localhost)/i.test(connectionString)) return undefined;
  return { blob: port('Blob', DEFAULT_PORTS.blob), queue: port('Queue', DEFAULT_PORTS.queue), table: port('Table', DEFAULT_PORTS.table) };
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface RunningAzurite {
  /** True when this process started (or adopted) it and so stops it. */
  owned: boolean;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopper(pid: number, child?: ChildProcess): () => Promise<void> {
  return async () => {
    if (!alive(pid)) return;
    const exited = child ? new Promise<void>((r) => child.once('exit', () => r())) : waitFor(async () => !alive(pid), 15_000, `Azurite (pid ${pid}) to exit`);
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => alive(pid) && process.kill(pid, 'SIGKILL'), 10_000);
    await exited.catch(() => {});
    clearTimeout(timer);
  };
}

/** Azurite's own files under a data directory. */
export const azuriteLocation = (dataDir: string) => path.join(path.resolve(dataDir), 'azurite');
/** Where the pid of the Azurite started on `location`'s files is kept. */
export const pidFileOf = (location: string) => path.join(location, 'azurite.pid');

/** Starts Azurite with its files in `location` (no marker: a test's or a benchmark's own storage). */
export async function startAzurite(location: string, ports: AzuritePorts, log: (msg: string) => void): Promise<RunningAzurite> {
  const pidFile = pidFileOf(location);
  fs.mkdirSync(location, { recursive: true });
  const script = require.resolve('azurite/dist/src/azurite.js');
  const child = spawn(
    process.execPath,
    [
      script,
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--location',
      location,
      '--blobHost',
      '127.0.0.1',
      '--queueHost',
      '127.0.0.1',
      '--tableHost',
      '127.0.0.1',
      '--blobPort',
      String(ports.blob),
      '--queuePort',
      String(ports.queue),
      '--tablePort',
      String(ports.table),
    ],
    // Output goes to a file, not a pipe: Azurite must outlive a kill -9 of the host. A process
    // group of its own: a terminal's Ctrl-C reaches the host's group only, and the host stops
    // Azurite once its batches in flight are stored.
    { stdio: ['ignore', 'ignore', fs.openSync(path.join(location, 'azurite.log'), 'a')], detached: true },
  );
  const exitedEarly = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Azurite exited (code ${code}) while starting; see ${path.join(location, 'azurite.log')}`))),
  );
  exitedEarly.catch(() => {});
  await Promise.race([waitFor(() => portOpen(ports.table), 20_000, `Azurite on port ${ports.table}`), exitedEarly]);
  fs.writeFileSync(pidFile, String(child.pid));
  log(`started Azurite (pid ${child.pid}) on ports ${ports.blob}/${ports.queue}/${ports.table}, data in ${location}`);
  const stop = stopper(child.pid!, child);
  return {
    owned: true,
    stop: async () => {
      await stop();
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/** How the host treats an Azurite on the storage ports (the MESH_AZURITE setting). */
export type AzuriteMode = 'auto' | 'external';

/** The host refuses a storage that is not its data directory's. */
export class AzuriteConflictError extends Error {
  override readonly name = 'AzuriteConflictError';
}

const MARKER_TABLE = 'meshgraphhost';
const MARKER = { partitionKey: 'meshgraph', rowKey: 'data-directory' } as const;
/** A storage that does not answer in this time is not one the host can use. */
const MARKER_TIMEOUT_MS = 10_000;

const tableClient = (connection: string, table: string) =>
  TableClient.fromConnectionString(connection, table, { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } });
const notFound = (err: unknown) => err instanceof RestError && err.statusCode === 404;

/**
 * One signed GET of the marker row with node:http: read at every start on a running Azurite, and
 * the Tables SDK's first request in a process costs ~40 ms more than this one.
 */
function readMarkerRow(connection: string): Promise<string | undefined> {
  const account = tableAccountOf(connection);
  const quote = (key: string) => encodeURIComponent(`'${key}'`);
  const url = new URL(`${account.url}/${MARKER_TABLE}(PartitionKey=${quote(MARKER.partitionKey)},RowKey=${quote(MARKER.rowKey)})`);
  const date = new Date().toUTCString();
  const signature = createHmac('sha256', Buffer.from(account.key ?? '', 'base64'))
    .update(`${date}\n/${account.account}${url.pathname}`, 'utf8')
    .digest('base64');
  const headers = {
    'x-ms-date': date,
    'x-ms-version': '2019-02-02',
    accept: 'application/json;odata=nometadata',
    dataserviceversion: '3.0',
    authorization: `SharedKeyLite ${account.account}:${signature}`,
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).get(url, { headers, timeout: MARKER_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode === 404) return resolve(undefined);
        if (res.statusCode !== 200) return reject(new Error(`reading table ${MARKER_TABLE} answered ${res.statusCode}: ${body.slice(0, 200)}`));
        try {
          const dataDir = (JSON.parse(body) as { dataDir?: unknown }).dataDir;
          resolve(typeof dataDir === 'string' ? dataDir : undefined);
        } catch {
          reject(new Error(`reading table ${MARKER_TABLE} answered what is not JSON: ${body.slice(0, 200)}`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${MARKER_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

/** The data directory the storage's marker names, or undefined when it has none. */
export async function storageOwner(connection: string): Promise<string | undefined> {
  let account: TableAccount | undefined;
  try {
    account = tableAccountOf(connection);
  } catch {
    // not a shared-key connection string: the SDK reads it
  }
  if (account?.key) return readMarkerRow(connection);
  try {
    const entity = await tableClient(connection, MARKER_TABLE).getEntity<{ dataDir?: string }>(MARKER.partitionKey, MARKER.rowKey, {
      abortSignal: AbortSignal.timeout(MARKER_TIMEOUT_MS),
    });
    return typeof entity.dataDir === 'string' ? entity.dataDir : undefined;
  } catch (err) {
    if (notFound(err)) return undefined;
    throw err;
  }
}

/**
 * Writes the marker: this storage serves `dataDir`. `replace` for an Azurite whose files are in
 * the data directory (it is this directory's, whatever it said before); otherwise only a storage
 * without a marker is claimed, and the marker found is returned (another host claimed it first).
 */
export async function claimStorage(connection: string, dataDir: string, replace = true): Promise<string> {
  const client = tableClient(connection, MARKER_TABLE);
  const signal = () => AbortSignal.timeout(MARKER_TIMEOUT_MS);
  try {
    await client.createTable({ abortSignal: signal() });
  } catch (err) {
    if (!(err instanceof RestError && err.statusCode === 409)) throw err;
  }
  const marker = { ...MARKER, dataDir, hostname: os.hostname(), claimedAt: new Date().toISOString() };
  if (replace) {
    await client.upsertEntity(marker, 'Replace', { abortSignal: signal() });
    return dataDir;
  }
  try {
    await client.createEntity(marker, { abortSignal: signal() });
    return dataDir;
  } catch (err) {
    if (!(err instanceof RestError && err.statusCode === 409)) throw err;
    return (await storageOwner(connection)) ?? dataDir;
  }
}

/** Whether the storage holds actor state already (the host's entity table has a row). */
async function holdsActors(connection: string): Promise<boolean> {
  try {
    const page = await tableClient(connection, ENTITY_TABLE)
      .listEntities({ queryOptions: { select: ['PartitionKey'] }, abortSignal: AbortSignal.timeout(MARKER_TIMEOUT_MS) })
      .byPage({ maxPageSize: 1 })
      .next();
    return !page.done && page.value.length > 0;
  } catch (err) {
    if (notFound(err)) return false;
    throw err;
  }
}

/**
 * The pid in `location`'s pid file when it is a live Azurite started there on these ports (its
 * command line says so, where /proc shows it; elsewhere a live pid is taken at its word).
 */
function azuritePid(location: string, ports: AzuritePorts): number | undefined {
  const pidFile = pidFileOf(location);
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : NaN;
  if (!Number.isInteger(pid) || !alive(pid)) return undefined;
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return pid;
  }
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  return after('--location') === location && after('--tablePort') === String(ports.table) ? pid : undefined;
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

export interface EnsureAzuriteOptions {
  /** The connection string the host uses (default: the development account on `ports`). */
  connectionString?: string;
  mode?: AzuriteMode;
}

/**
 * An Azurite for the data directory `dataDir` on `ports`: the one already serving it, or a new one
 * (files in `dataDir/azurite`, stopped with the host). Throws AzuriteConflictError, naming both
 * directories, when what listens there is not this directory's (see the top of this file).
 */
export async function ensureAzurite(
  dataDir: string,
  ports: AzuritePorts,
  log: (msg: string) => void,
  options: EnsureAzuriteOptions = {},
): Promise<RunningAzurite> {
  const dir = realDir(dataDir);
  const location = azuriteLocation(dir);
  const connection = options.connectionString ?? connectionStringFor(ports);
  const endpoint = `127.0.0.1:${ports.table}`;
  const notOwned: RunningAzurite = { owned: false, stop: async () => {} };
  if (await portOpen(ports.table)) {
    if (options.mode === 'external') {
      log(`using the storage already listening on ${endpoint} as it is (MESH_AZURITE=external)`);
      return notOwned;
    }
    const useAnyway = 'or set MESH_AZURITE=external to use it as it is';
    let owner: string | undefined;
    try {
      owner = await storageOwner(connection);
    } catch (err) {
      throw new AzuriteConflictError(
        `something listens on ${endpoint} but does not answer as this host's Azure Storage tables (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): stop it, point AzureWebJobsStorage at other ports, ${useAnyway}`,
      );
    }
    const pid = azuritePid(location, ports);
    const adopt = (why: string): RunningAzurite => {
      if (pid === undefined) {
        log(`using the Azurite already listening on ${endpoint}: ${why}`);
        return notOwned;
      }
      log(`adopting the Azurite left running on ${endpoint} (pid ${pid}): ${why}`);
      return { owned: true, stop: stopper(pid) };
    };
    if (owner === dir) return adopt(`it serves this data directory, ${dir}`);
    if (owner !== undefined) {
      const otherPid = azuritePid(azuriteLocation(owner), ports);
      throw new AzuriteConflictError(
        `the Azurite listening on ${endpoint}${otherPid !== undefined ? ` (pid ${otherPid})` : ''} holds the data of ${owner}, not of this host's data directory ${dir} (MESH_DATA_DIR): ` +
          `its actors would not match this directory's search index. Use MESH_DATA_DIR=${owner} to work on that data; or stop that Azurite (or the host using it) or point AzureWebJobsStorage at other ports; ${useAnyway}`,
      );
    }
    let hasActors: boolean;
    try {
      hasActors = await holdsActors(connection);
    } catch (err) {
      throw new AzuriteConflictError(
        `the storage listening on ${endpoint} could not be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): stop it, point AzureWebJobsStorage at other ports, ${useAnyway}`,
      );
    }
    if (hasActors && pid === undefined) {
      throw new AzuriteConflictError(
        `the storage listening on ${endpoint} holds meshgraph actors but no record of the data directory they belong to (an Azurite started by hand, or by a meshgraph before this check), and this host's data directory is ${dir}: ` +
          `stop it, or point AzureWebJobsStorage at other ports; ${useAnyway}`,
      );
    }
    const claimed = await claimStorage(connection, dir, false);
    if (claimed !== dir)
      throw new AzuriteConflictError(
        `the storage listening on ${endpoint} was just claimed for ${claimed}, not for this host's data directory ${dir}: use MESH_DATA_DIR=${claimed}, or point AzureWebJobsStorage at other ports; ${useAnyway}`,
      );
    return adopt(hasActors ? `its pid file is in this data directory, ${dir}` : `it held no meshgraph data; it now serves ${dir}`);
  }
  if (options.mode === 'external')
    throw new AzuriteConflictError(
      `nothing listens on ${endpoint}, and MESH_AZURITE=external says not to start Azurite: start the storage AzureWebJobsStorage points at, or unset MESH_AZURITE`,
    );
  const running = await startAzurite(location, ports, log);
  try {
    await claimStorage(connection, dir); // its files are in this data directory: it is this directory's
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}
