// Where the commands that talk to a running host find it: the command's --url, else the MESH_URL
// setting, else the local host on PORT (7071 by default), so `PORT=7501 npm start` and
// `PORT=7501 npm run demo` meet. MESH_URL is read by the command line only (the apps and the
// local host never read it), so it is not in core/config.ts's SETTINGS.
import { loadConfig } from '../core/config';
import { UsageError } from './args';

export const MESH_URL = 'MESH_URL';

export interface HostUrl {
  url: string;
  /** Where it came from, for messages: '--url', 'MESH_URL', 'PORT=7501' or 'the default'. */
  from: string;
}

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function checked(url: string, from: string, command: string): HostUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${from} is not a URL: "${url}"`, command);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`${from} must be an http(s) URL, not "${url}"`, command);
  return { url: url.replace(/\/+$/, ''), from };
}

/** The host named by the flag or MESH_URL, if either is given (ingest and cdc else use Event Hubs when set). */
export function namedHostUrl(flag: string | undefined, command: string, flagName = '--url', env: NodeJS.ProcessEnv = process.env): HostUrl | undefined {
  if (flag !== undefined) return checked(flag, flagName, command);
  const fromSetting = setting(env, MESH_URL);
  return fromSetting === undefined ? undefined : checked(fromSetting, MESH_URL, command);
}

export function hostUrl(flag: string | undefined, command: string, flagName = '--url', env: NodeJS.ProcessEnv = process.env): HostUrl {
  const named = namedHostUrl(flag, command, flagName, env);
  if (named) return named;
  const port = setting(env, 'PORT');
  return checked(`http://localhost:${port ?? '7071'}`, port ? `PORT=${port}` : 'the default', command);
}

/**
 * For the connectors (ingest, cdc): the host to send to, or undefined when they publish to Event
 * Hubs instead (EventHubConnection is set and neither the flag nor MESH_URL names a host).
 */
export function connectorHostUrl(flag: string | undefined, command: string, flagName = '--url'): HostUrl | undefined {
  const named = namedHostUrl(flag, command, flagName);
  if (named) return named;
  return loadConfig(process.env).eventHub.connectionString ? undefined : hostUrl(undefined, command, flagName);
}

/** The host did not answer: the message names the URL and where it came from. */
export class HostUnreachable extends Error {
  constructor(host: HostUrl, reason: string) {
    const how = host.from === '--url' || host.from === '--mesh' ? `(${host.from})` : `(from ${host.from}; set MESH_URL or pass --url for another host)`;
    super(`no meshgraph host answers at ${host.url} ${how}: ${reason}. Start one with \`npm start\` (or \`npx meshgraph start\`) first.`);
    this.name = 'HostUnreachable';
  }
}

export const HOST_CHECK_TIMEOUT_MS = 5000;

/**
 * Asks the host's /api/health before anything is sent, so an unreachable host fails at once and
 * no progress claims rows were sent. Any HTTP answer will do (a starting host answers 503).
 */
export async function checkHost(host: HostUrl, timeoutMs = HOST_CHECK_TIMEOUT_MS): Promise<void> {
  try {
    const res = await fetch(`${host.url}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new HostUnreachable(host, reason);
  }
}
