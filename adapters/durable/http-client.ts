// A small durable client over the Durable Functions HTTP API (the entities part: signal, read,
// list), on node:http with kept-alive connections: what both apps use instead of durable-functions'
// client (axios, moment, validator: ~500 KB a cold start would load, and an axios request per
// call). Not fetch either: its first call loads undici's dispatcher and compiles its WebAssembly
// HTTP parser, about a fifth of the cold app's start.
import http from 'node:http';
import type https from 'node:https';

/**
 * An entity key as it goes into a durable HTTP API path: each `/`-separated part percent-encoded
 * (durable-functions 3.5's own client puts keys in as they are, so `?`, `#` or `%` in a key would
 * address another entity); the host decodes the path.
 */
export const entityKeyInUrl = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

export interface DurableClientBinding {
  rpcBaseUrl?: string;
  baseUrl?: string;
  requiredQueryStringParameters?: string;
}

export interface ListedEntity<T> {
  key: string;
  lastOperationTime: string;
  state: T | undefined;
}

export interface EntityPage<T> {
  entities: Array<ListedEntity<T>>;
  /** Pass to the next `list` call; absent on the last page. */
  continuation?: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Reads fan out (a subgraph reads many entities at once): connections are kept and reused. */
const agents: { http?: http.Agent; https?: https.Agent } = {};

function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string, again = false): Promise<Answer> {
  const secure = url.startsWith('https:');
  // https is loaded only where the API is remote (Azure); locally it is plain http.
  const client: typeof http = secure ? require('node:https') : http;
  const agent = secure
    ? (agents.https ??= new (require('node:https') as typeof https).Agent({ keepAlive: true }))
    : (agents.http ??= new http.Agent({ keepAlive: true }));
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        agent,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection that the server closed (its keep-alive timeout) as this request
      // went out on it: sent once more on a new connection (Node's documented remedy). The
      // durable API's operations are idempotent, so a request the server did read is harmless.
      if (req.reusedSocket && err.code === 'ECONNRESET' && !again) resolve(call(method, url, headers, body, true));
      else reject(err);
    });
    req.end(body);
  });
}

const get = (url: string, headers: Record<string, string>) => call('GET', url, headers);

/** An entity the client names: its function name and key. */
export interface EntityRef {
  name: string;
  key: string;
}

export class DurableHttpClient {
  private readonly base: string;
  private readonly query: string;

  constructor(binding: DurableClientBinding) {
    const base = binding.rpcBaseUrl ?? (binding.baseUrl ? `${binding.baseUrl.replace(/\/+$/, '')}/` : undefined);
    if (!base) throw new Error('the durable client binding carries no base URL');
    this.base = base;
    this.query = binding.rpcBaseUrl ? '' : (binding.requiredQueryStringParameters ?? '');
  }

  private url(path: string, params: Record<string, string> = {}): string {
    const search = new URLSearchParams(params).toString();
    const parts = [this.query, search].filter((p) => p !== '').join('&');
    return `${this.base}${path}${parts ? `?${parts}` : ''}`;
  }

  /** The entity's state, or undefined when it does not exist. */
  async read<T>(name: string, key: string): Promise<T | undefined> {
    const res = await get(this.url(`entities/${encodeURIComponent(name)}/${entityKeyInUrl(key)}`), {});
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`reading entity @${name}@${key} failed: ${res.status}`);
    return JSON.parse(res.text) as T;
  }

  /** Signals an operation; resolves once the backend accepted it (durable). */
  async signal(name: string, key: string, op: string, input?: unknown): Promise<void> {
    const res = await call(
      'POST',
      this.url(`entities/${encodeURIComponent(name)}/${entityKeyInUrl(key)}`, { op }),
      {},
      input === undefined ? '' : JSON.stringify(input),
    );
    if (res.status !== 202 && res.status !== 200) throw new Error(`signalling @${name}@${key} ${op} failed: ${res.status} ${res.text.slice(0, 300)}`);
  }

  /** One page of entities of `name` with their state; pass the returned token for the next. */
  async list<T>(name: string, top: number, continuation?: string): Promise<EntityPage<T>> {
    const res = await get(
      this.url(`entities/${encodeURIComponent(name)}`, { fetchState: 'true', top: String(top) }),
      continuation ? { 'x-ms-continuation-token': continuation } : {},
    );
    if (res.status !== 200) throw new Error(`listing entities ${name} failed: ${res.status}`);
    const body = JSON.parse(res.text) as Array<{ entityId: { key: string }; lastOperationTime: string; state?: T }>;
    const token = res.headers['x-ms-continuation-token'];
    return {
      entities: body.map((e) => ({ key: e.entityId.key, lastOperationTime: e.lastOperationTime, state: e.state })),
      ...(typeof token === 'string' && token ? { continuation: token } : {}),
    };
  }
}
