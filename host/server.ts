// The local host's HTTP front: HTTP triggers under /api/, and the durable client HTTP API under
// /runtime/webhooks/durabletask/ that df.getClient() talks to (signal, read, list entities).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { invoke, type HostedFunction, type LogSink, type OutputSink } from './worker/app';
import { compileRoute, checkCollisions, matchRoute, type Route } from './routes';
import { UnknownEntityError, type EntityRuntime } from './entities/runtime';
import { toProblem, UserError, PROBLEM_CONTENT_TYPE } from '../core/errors';


/** A percent-decoded path segment; malformed encoding is the client's error (400), not a 500. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UserError(400, 'malformed-path', `the path segment "${part.slice(0, 100)}" is not valid percent-encoding`);
  }
}

export const DURABLE_PREFIX = '/runtime/webhooks/durabletask/';
/** The Functions host's default request body limit (100 MB). */
const MAX_BODY = 100 * 1024 * 1024;

export interface ServerOptions {
  functions: HostedFunction[];
  /** Serves the durable client API; without one (an app served alone), see durableOrigin. */
  runtime?: EntityRuntime;
  /** Where the functions' durable clients point; default this server (its runtime). */
  durableOrigin?: string;
  log: LogSink;
  /** The host's own status (queue depths, counters), served at /admin/host/status as the Functions host serves its own. */
  hostStatus: () => Record<string, unknown>;
  taskHub: string;
  /** Delivers the functions' output bindings (event hub outputs). */
  outputs?: OutputSink;
  /** False until recovery is done: requests get a 503 until then. */
  isReady: () => boolean;
  /** True once the host stops: new requests get a 503, but the durable API still serves the batches in flight. */
  isStopping?: () => boolean;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length'];

type WithCapabilities = { getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>> };
const proxies = new WeakMap<object, Promise<string | undefined>>();

/**
 * The HTTP proxy URI of the function's programming model when its app enabled HTTP streaming
 * (asked once per model, as the worker asks at start). The library's proxy server is unref'd:
 * like the worker it serves, it lives as long as the process, and must not keep a test alive.
 */
function proxyOf(fn: HostedFunction): Promise<string | undefined> {
  const model = fn.registration.programmingModel as typeof fn.registration.programmingModel & WithCapabilities;
  let uri = proxies.get(model);
  if (!uri) {
    const listen = http.Server.prototype.listen;
    const started: http.Server[] = [];
    http.Server.prototype.listen = function (this: http.Server, ...args: unknown[]) {
      started.push(this);
      return listen.apply(this, args as Parameters<typeof listen>);
    } as typeof listen;
    try {
      uri = (model.getCapabilities?.({}) ?? Promise.resolve({} as Record<string, string>)).then((c) => c.HttpUri);
    } finally {
      http.Server.prototype.listen = listen;
    }
    started.forEach((s) => s.unref());
    proxies.set(model, uri);
  }
  return uri;
}

/** The Functions host's admin API path for its status (in Azure it needs the master key). */
export const HOST_STATUS_PATH = '/admin/host/status';

/** The binding data the durable client input carries, pointing at this host. */
export function durableClientData(origin: string, taskHub: string) {
  const base = `${origin}${DURABLE_PREFIX}`;
  return { taskHubName: taskHub, creationUrls: {}, managementUrls: {}, baseUrl: base.slice(0, -1), requiredQueryStringParameters: '', rpcBaseUrl: base };
}

function sendProblem(res: http.ServerResponse, err: unknown, correlationId: string): void {
  const problem = toProblem(err, correlationId);
  res.writeHead(problem.status, { 'content-type': PROBLEM_CONTENT_TYPE, 'x-correlation-id': correlationId });
  res.end(JSON.stringify(problem));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new UserError(413, 'body-too-large', `request body exceeds the host limit of ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createServer(options: ServerOptions): http.Server {
  const routes: Route[] = options.functions.filter((f) => f.kind === 'http').map(compileRoute);
  checkCollisions(routes);

  return http.createServer((req, res) => {
    const correlationId = String(req.headers['x-correlation-id'] ?? randomUUID());
    handle(req, res, correlationId).catch((err) => {
      if (!(err instanceof UserError)) options.log({ level: 'error', category: 'host', fn: 'host', invocationId: correlationId, message: `${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}` });
      if (!res.headersSent) sendProblem(res, err, correlationId);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, correlationId: string): Promise<void> {
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    const url = new URL(req.url ?? '/', origin);
    if (!options.isReady()) throw new UserError(503, 'starting', 'the host is starting (resuming queued work); retry in a moment');
    if (options.isStopping?.() && !url.pathname.startsWith(DURABLE_PREFIX)) {
      res.setHeader('connection', 'close');
      throw new UserError(503, 'stopping', 'the host is stopping; send the request again once it runs');
    }
    if (url.pathname.startsWith(DURABLE_PREFIX) && options.runtime) return durableApi(options.runtime, req, res, url);
    if (url.pathname === HOST_STATUS_PATH && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': correlationId });
      return void res.end(JSON.stringify({ state: 'Running', ...options.hostStatus() }));
    }
    if (!url.pathname.startsWith('/api/') && url.pathname !== '/api') throw new UserError(404, 'not-found', `no route ${url.pathname}; functions are served under /api/`);
    const parts = url.pathname.slice(5).split('/').filter((p) => p !== '').map(decodePathPart);
    const candidates = routes.map((r) => ({ r, params: matchRoute(r, parts) })).filter((c) => c.params);
    if (candidates.length === 0) throw new UserError(404, 'not-found', `no function answers ${url.pathname}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const chosen = candidates.find((c) => c.r.methods.has(method));
    if (!chosen) {
      res.setHeader('allow', [...new Set(candidates.flatMap((c) => [...c.r.methods]))].join(', '));
      throw new UserError(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}`);
    }
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = k in query ? `${query[k]},${v}` : v));
    const fn = chosen.r.fn;
    const proxy = await proxyOf(fn);
    if (proxy) return viaProxy(proxy, fn, req, res, { method, url, headers, params: chosen.params!, body, correlationId, origin });
    let output;
    try {
      output = await invoke(
        fn,
        {
          invocationId: correlationId,
          trigger: { http: { method, url: url.href, headers, query, params: chosen.params!, body: { bytes: body } } },
          extraByType: { durableClient: durableClientData(options.durableOrigin ?? origin, options.taskHub) },
        },
        options.log,
        options.outputs,
      );
    } catch (err) {
      // What the Functions host does with a throwing handler: the caller gets a 500, the host lives.
      options.log({ level: 'error', category: 'host', fn: fn.name, invocationId: correlationId, message: `function threw: ${err instanceof Error ? err.stack : String(err)}` });
      return sendProblem(res, err, correlationId);
    }
    const httpOut = (output.returnValue?.http ?? {}) as { statusCode?: string; headers?: Record<string, string>; cookies?: Array<{ name: string; value: string; path?: { value?: string } }>; body?: { bytes?: Uint8Array; string?: string } };
    const payload: Buffer = httpOut.body?.bytes ? Buffer.from(httpOut.body.bytes) : Buffer.from(httpOut.body?.string ?? '');
    const outHeaders: Record<string, string | string[]> = { ...(httpOut.headers ?? {}) };
    if (httpOut.cookies?.length) outHeaders['set-cookie'] = httpOut.cookies.map((c) => `${c.name}=${c.value}${c.path?.value ? `; Path=${c.path.value}` : ''}`);
    const status = Number(httpOut.statusCode ?? 200);
    outHeaders['x-correlation-id'] ??= correlationId;
    res.writeHead(status, outHeaders);
    res.end(method === 'HEAD' ? undefined : payload);
  }

  /**
   * An app with HTTP streaming (`app.setup({ enableHttpStream: true })`) is invoked the way the
   * Functions host does it: the invocation starts over the programming model, the request itself
   * goes to the HTTP proxy the library announced in its capabilities (tagged with the invocation
   * id), and the function's response streams back from that proxy as it is written.
   */
  async function viaProxy(proxy: string, fn: HostedFunction, req: http.IncomingMessage, res: http.ServerResponse, call: { method: string; url: URL; headers: Record<string, string>; params: Record<string, string>; body: Buffer; correlationId: string; origin: string }): Promise<void> {
    const invocationId = randomUUID();
    const params = Object.fromEntries(Object.entries(call.params).map(([k, v]) => [k, { string: v }]));
    const invocation = invoke(
      fn,
      {
        invocationId,
        trigger: { http: { method: call.method, url: call.url.href, headers: call.headers, query: {}, params: call.params } },
        triggerMetadata: { Headers: { json: JSON.stringify(call.headers) }, ...params },
        extraByType: { durableClient: durableClientData(options.durableOrigin ?? call.origin, options.taskHub) },
      },
      options.log,
      options.outputs,
    );
    const headers: Record<string, string> = { ...call.headers, 'content-length': String(call.body.length), 'x-ms-invocation-id': invocationId, 'x-forwarded-host': call.url.host, 'x-forwarded-proto': 'http' };
    for (const h of HOP_BY_HOP) delete headers[h];
    const forwarded = http.request(new URL(call.url.pathname + call.url.search, proxy), { method: call.method, headers, agent: false });
    const upstream = new Promise<http.IncomingMessage>((resolve, reject) => forwarded.once('response', resolve).once('error', reject));
    upstream.catch(() => {}); // a function that failed first is reported below, not here
    forwarded.end(call.body);
    let answer: http.IncomingMessage;
    try {
      answer = await Promise.race([upstream, invocation.then(() => upstream)]);
    } catch (err) {
      forwarded.destroy();
      options.log({ level: 'error', category: 'host', fn: fn.name, invocationId, message: `function threw: ${err instanceof Error ? err.stack : String(err)}` });
      return sendProblem(res, err, call.correlationId);
    }
    // A failure once the answer has started can only cut it short: the caller sees it incomplete.
    invocation.catch((err) => {
      options.log({ level: 'error', category: 'host', fn: fn.name, invocationId, message: `function failed while streaming: ${err instanceof Error ? err.stack : String(err)}` });
      forwarded.destroy();
      res.destroy();
    });
    const outHeaders: http.OutgoingHttpHeaders = { ...answer.headers };
    for (const h of [...HOP_BY_HOP, 'x-ms-invocation-id', 'date']) delete outHeaders[h];
    outHeaders['x-correlation-id'] ??= call.correlationId;
    res.writeHead(answer.statusCode ?? 200, outHeaders);
    if (call.method === 'HEAD') {
      answer.resume();
      res.end();
    } else answer.pipe(res);
    await new Promise<void>((resolve) => res.once('close', resolve));
  }

  async function durableApi(runtime: EntityRuntime, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const rest = url.pathname.slice(DURABLE_PREFIX.length).split('/').map(decodePathPart);
    if (rest[0] !== 'entities' || !rest[1]) throw new UserError(404, 'not-found', `the local host implements only the entities part of the durable HTTP API, not ${url.pathname}`);
    const name = rest[1];
    const key = rest.slice(2).join('/');
    const method = req.method ?? 'GET';
    if (key === '' && method === 'GET') {
      const top = Math.min(Math.max(Number(url.searchParams.get('top') ?? 100) || 100, 1), 1000);
      const token = req.headers['x-ms-continuation-token'];
      const page = await runtime.list(name, top, typeof token === 'string' && token ? token : undefined);
      const fetchState = url.searchParams.get('fetchState') === 'true';
      const body = page.entities.map((e) => ({
        entityId: { name, key: e.id.slice(name.length + 2) },
        lastOperationTime: new Date(e.lastOperationTime).toISOString(),
        ...(fetchState ? { state: e.state === undefined ? null : JSON.parse(e.state) } : {}),
      }));
      res.writeHead(200, { 'content-type': 'application/json', ...(page.continuation ? { 'x-ms-continuation-token': page.continuation } : {}) });
      return void res.end(JSON.stringify(body));
    }
    if (key === '') throw new UserError(400, 'entity-key-required', 'an entity key is required: /entities/{name}/{key}');
    if (method === 'POST') {
      const op = url.searchParams.get('op');
      if (!op) throw new UserError(400, 'operation-required', 'query parameter op names the operation to signal');
      const input = (await readBody(req)).toString('utf8');
      try {
        await runtime.signal(name, key, op, input);
      } catch (err) {
        if (err instanceof UnknownEntityError) throw new UserError(404, 'unknown-entity', err.message);
        throw err;
      }
      res.writeHead(202);
      return void res.end();
    }
    if (method === 'GET') {
      const entity = await runtime.read(name, key);
      if (!entity) throw new UserError(404, 'entity-not-found', `entity @${name}@${key} does not exist`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(entity.state ?? 'null');
    }
    throw new UserError(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}`);
  }
}
