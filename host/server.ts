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
/** The answers of `proxies` once known (null: the app streams nothing), read without waiting. */
const knownProxies = new WeakMap<object, string | null>();

/**
 * The HTTP proxy URI of the function's programming model when its app enabled HTTP streaming
 * (asked once per model, as the worker asks at start); the URI itself once known. The library's
 * proxy server is unref'd: like the worker it serves, it lives as long as the process, and must
 * not keep a test alive.
 */
function proxyOf(fn: HostedFunction): string | undefined | Promise<string | undefined> {
  const model = fn.registration.programmingModel as typeof fn.registration.programmingModel & WithCapabilities;
  const known = knownProxies.get(model);
  if (known !== undefined) return known ?? undefined;
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
    uri.then((u) => knownProxies.set(model, u ?? null)).catch(() => {});
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
  const body = JSON.stringify(problem);
  res.writeHead(problem.status, { 'content-type': PROBLEM_CONTENT_TYPE, 'x-correlation-id': correlationId, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const NO_BODY = Buffer.alloc(0);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  // Without a length or a chunked body the message has none (RFC 9112 6.3): nothing to wait for.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(NO_BODY);
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
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** What the host reads of a request target: parsed once per distinct target (see targetParser). */
interface Target {
  readonly pathname: string;
  readonly href: string;
  readonly host: string;
  /** pathname + search: the target as the HTTP proxy of a streaming app receives it. */
  readonly pathAndSearch: string;
  readonly searchParams: URLSearchParams;
  /** The query as the RPC request carries it: a repeated name's values joined by commas. */
  readonly query: Readonly<Record<string, string>>;
  /** Route matches by method, filled as requests come (only matches: refusals are not kept). */
  readonly matches: Map<string, { route: Route; params: Readonly<Record<string, string>> }>;
}

const TARGETS_KEPT = 512;
const LONGEST_TARGET_KEPT = 512;

/**
 * Parses request targets. Most requests repeat a few (`POST /api/graphql`, the durable API's
 * entity paths), so each is parsed and routed once: a small cache, emptied when full, keyed by
 * the Host header and the target (long targets, such as GET queries, are not kept).
 */
function targetParser(): (rawTarget: string, hostHeader: string | undefined) => Target {
  const targets = new Map<string, Target>();
  return (rawTarget, hostHeader) => {
    const key = `${hostHeader ?? ''} ${rawTarget}`;
    const known = targets.get(key);
    if (known) return known;
    let url: URL;
    try {
      url = new URL(rawTarget, `http://${hostHeader ?? 'localhost'}`);
    } catch {
      throw new UserError(
        400,
        'malformed-request-target',
        `the request target "${rawTarget.slice(0, 100)}" with host "${String(hostHeader).slice(0, 100)}" is not a valid URL`,
      );
    }
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = k in query ? `${query[k]},${v}` : v));
    const target: Target = {
      pathname: url.pathname,
      href: url.href,
      host: url.host,
      pathAndSearch: url.pathname + url.search,
      searchParams: url.searchParams,
      query: Object.freeze(query),
      matches: new Map(),
    };
    if (rawTarget.length <= LONGEST_TARGET_KEPT) {
      if (targets.size >= TARGETS_KEPT) targets.clear();
      targets.set(key, target);
    }
    return target;
  };
}

/**
 * The request headers as the RPC request carries them (one string per name). Node already joins
 * repeated headers with ", " except set-cookie, the one it keeps as an array.
 */
function rpcHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers = req.headers;
  if (headers['set-cookie'] === undefined) return headers as Record<string, string>;
  const joined: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) joined[k] = Array.isArray(v) ? v.join(', ') : v;
  return joined;
}

/** Statuses whose response carries no content and no Content-Length (RFC 9110 8.6, 15.3.5, 15.4.5). */
const noContent = (status: number) => status < 200 || status === 204 || status === 304;

export function createServer(options: ServerOptions): http.Server {
  const routes: Route[] = options.functions.filter((f) => f.kind === 'http').map(compileRoute);
  checkCollisions(routes);
  const targetOf = targetParser();
  // The durable client binding's data, the same for every request to one origin: made once.
  let durableData: { origin: string; data: ReturnType<typeof durableClientData> } | undefined;
  const durableClient = (origin: string) => {
    const at = options.durableOrigin ?? origin;
    if (durableData?.origin !== at) durableData = { origin: at, data: Object.freeze(durableClientData(at, options.taskHub)) };
    return durableData.data;
  };

  return http.createServer((req, res) => {
    const correlationId = String(req.headers['x-correlation-id'] ?? randomUUID());
    handle(req, res, correlationId).catch((err) => {
      if (!(err instanceof UserError))
        options.log({
          level: 'error',
          category: 'host',
          fn: 'host',
          invocationId: correlationId,
          message: `${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`,
        });
      if (!res.headersSent) sendProblem(res, err, correlationId);
      else res.destroy();
    });
  });

  /** The function that answers the path and method, with its route parameters (a fresh object per request). */
  function routeOf(target: Target, method: string, res: http.ServerResponse): { route: Route; params: Record<string, string> } {
    const known = target.matches.get(method);
    if (known) return { route: known.route, params: { ...known.params } };
    if (!target.pathname.startsWith('/api/') && target.pathname !== '/api')
      throw new UserError(404, 'not-found', `no route ${target.pathname}; functions are served under /api/`);
    const parts = target.pathname
      .slice(5)
      .split('/')
      .filter((p) => p !== '')
      .map(decodePathPart);
    const candidates = routes.map((r) => ({ r, params: matchRoute(r, parts) })).filter((c) => c.params);
    if (candidates.length === 0) throw new UserError(404, 'not-found', `no function answers ${target.pathname}`);
    const chosen = candidates.find((c) => c.r.methods.has(method));
    if (!chosen) {
      res.setHeader('allow', [...new Set(candidates.flatMap((c) => [...c.r.methods]))].join(', '));
      throw new UserError(405, 'method-not-allowed', `${method} is not allowed on ${target.pathname}`);
    }
    target.matches.set(method, { route: chosen.r, params: Object.freeze({ ...chosen.params! }) });
    return { route: chosen.r, params: chosen.params! };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, correlationId: string): Promise<void> {
    const target = targetOf(req.url ?? '/', req.headers.host);
    if (!options.isReady()) throw new UserError(503, 'starting', 'the host is starting (resuming queued work); retry in a moment');
    if (options.isStopping?.() && !target.pathname.startsWith(DURABLE_PREFIX)) {
      res.setHeader('connection', 'close');
      throw new UserError(503, 'stopping', 'the host is stopping; send the request again once it runs');
    }
    if (target.pathname.startsWith(DURABLE_PREFIX) && options.runtime) return durableApi(options.runtime, req, res, target);
    if (target.pathname === HOST_STATUS_PATH && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': correlationId });
      return void res.end(JSON.stringify({ state: 'Running', ...options.hostStatus() }));
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const match = routeOf(target, method, res);
    const body = await readBody(req);
    const headers = rpcHeaders(req);
    const fn = match.route.fn;
    const proxyOrPending = proxyOf(fn);
    const proxy = typeof proxyOrPending === 'object' ? await proxyOrPending : proxyOrPending;
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    if (proxy) return viaProxy(proxy, fn, req, res, { method, target, headers, params: match.params, body, correlationId, origin });
    let output;
    try {
      output = await invoke(
        fn,
        {
          invocationId: correlationId,
          trigger: { http: { method, url: target.href, headers, query: target.query, params: match.params, body: { bytes: body } } },
          extraByType: { durableClient: durableClient(origin) },
        },
        options.log,
        options.outputs,
      );
    } catch (err) {
      // What the Functions host does with a throwing handler: the caller gets a 500, the host lives.
      options.log({
        level: 'error',
        category: 'host',
        fn: fn.name,
        invocationId: correlationId,
        message: `function threw: ${err instanceof Error ? err.stack : String(err)}`,
      });
      return sendProblem(res, err, correlationId);
    }
    const httpOut = (output.returnValue?.http ?? {}) as {
      statusCode?: string;
      headers?: Record<string, string | string[] | number>;
      cookies?: Array<{ name: string; value: string; path?: { value?: string } }>;
      body?: { bytes?: Uint8Array; string?: string };
    };
    const bytes = httpOut.body?.bytes;
    // A view of the library's bytes, not a copy.
    const payload: Buffer = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(httpOut.body?.string ?? '');
    // The library made this object for this response alone: completed in place.
    const outHeaders = httpOut.headers ?? {};
    if (httpOut.cookies?.length) outHeaders['set-cookie'] = httpOut.cookies.map((c) => `${c.name}=${c.value}${c.path?.value ? `; Path=${c.path.value}` : ''}`);
    const status = Number(httpOut.statusCode ?? 200);
    outHeaders['x-correlation-id'] ??= correlationId;
    // The whole body is known: sent with its length, in one write with the head, not chunked.
    delete outHeaders['transfer-encoding'];
    if (noContent(status)) delete outHeaders['content-length'];
    else outHeaders['content-length'] = payload.length;
    res.writeHead(status, outHeaders);
    res.end(method === 'HEAD' || noContent(status) ? undefined : payload);
  }

  /**
   * An app with HTTP streaming (`app.setup({ enableHttpStream: true })`) is invoked the way the
   * Functions host does it: the invocation starts over the programming model, the request itself
   * goes to the HTTP proxy the library announced in its capabilities (tagged with the invocation
   * id), and the function's response streams back from that proxy as it is written.
   */
  async function viaProxy(
    proxy: string,
    fn: HostedFunction,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    call: {
      method: string;
      target: Target;
      headers: Record<string, string>;
      params: Record<string, string>;
      body: Buffer;
      correlationId: string;
      origin: string;
    },
  ): Promise<void> {
    const invocationId = randomUUID();
    const params = Object.fromEntries(Object.entries(call.params).map(([k, v]) => [k, { string: v }]));
    const invocation = invoke(
      fn,
      {
        invocationId,
        trigger: { http: { method: call.method, url: call.target.href, headers: call.headers, query: {}, params: call.params } },
        triggerMetadata: { Headers: { json: JSON.stringify(call.headers) }, ...params },
        extraByType: { durableClient: durableClient(call.origin) },
      },
      options.log,
      options.outputs,
    );
    const headers: Record<string, string> = {
      ...call.headers,
      'content-length': String(call.body.length),
      'x-ms-invocation-id': invocationId,
      'x-forwarded-host': call.target.host,
      'x-forwarded-proto': 'http',
    };
    for (const h of HOP_BY_HOP) delete headers[h];
    const forwarded = http.request(new URL(call.target.pathAndSearch, proxy), { method: call.method, headers, agent: false });
    const upstream = new Promise<http.IncomingMessage>((resolve, reject) => forwarded.once('response', resolve).once('error', reject));
    upstream.catch(() => {}); // a function that failed first is reported below, not here
    forwarded.end(call.body);
    let answer: http.IncomingMessage;
    try {
      answer = await Promise.race([upstream, invocation.then(() => upstream)]);
    } catch (err) {
      forwarded.destroy();
      options.log({
        level: 'error',
        category: 'host',
        fn: fn.name,
        invocationId,
        message: `function threw: ${err instanceof Error ? err.stack : String(err)}`,
      });
      return sendProblem(res, err, call.correlationId);
    }
    // A failure once the answer has started can only cut it short: the caller sees it incomplete.
    invocation.catch((err) => {
      options.log({
        level: 'error',
        category: 'host',
        fn: fn.name,
        invocationId,
        message: `function failed while streaming: ${err instanceof Error ? err.stack : String(err)}`,
      });
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

  async function durableApi(runtime: EntityRuntime, req: http.IncomingMessage, res: http.ServerResponse, target: Target): Promise<void> {
    const rest = target.pathname.slice(DURABLE_PREFIX.length).split('/').map(decodePathPart);
    if (rest[0] !== 'entities' || !rest[1])
      throw new UserError(404, 'not-found', `the local host implements only the entities part of the durable HTTP API, not ${target.pathname}`);
    const name = rest[1];
    const key = rest.slice(2).join('/');
    const method = req.method ?? 'GET';
    if (key === '' && method === 'GET') {
      const top = Math.min(Math.max(Number(target.searchParams.get('top') ?? 100) || 100, 1), 1000);
      const token = req.headers['x-ms-continuation-token'];
      const page = await runtime.list(name, top, typeof token === 'string' && token ? token : undefined);
      const fetchState = target.searchParams.get('fetchState') === 'true';
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
      const op = target.searchParams.get('op');
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
    throw new UserError(405, 'method-not-allowed', `${method} is not allowed on ${target.pathname}`);
  }
}
