// GraphQL over HTTP (the GraphQL-over-HTTP spec, checked by graphql-http's audit suite):
// GET and POST, application/graphql-response+json or application/json, the status codes the
// spec asks for, request errors as 4xx with a GraphQL errors body.
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { GraphQLEngine } from './engine';
import { maskError } from './errors';
import type { PersistedQueries } from './persisted';
import type { MeshContext } from './context';

export interface HttpInput {
  method: string;
  searchParams: URLSearchParams;
  header(name: string): string | null;
  text(): Promise<string>;
}

export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface GraphQLHttpDeps {
  engine: GraphQLEngine;
  persisted: PersistedQueries;
  maxBodyBytes: number;
  context(): MeshContext;
  correlationId: string;
  /** Logs an error that was masked for the client. */
  logInternal(err: unknown): void;
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';
type MediaType = typeof GRAPHQL_RESPONSE | typeof JSON_TYPE;

/** The response type the client accepts, preferring the GraphQL one; null when neither. */
export function acceptedMediaType(accept: string | null): MediaType | null {
  for (const part of (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [type, ...params] = part.split(';');
    const charset = params.find((p) => p.startsWith('charset=')) ?? 'charset=utf-8';
    const utf8 = charset === 'charset=utf-8' || charset === 'charset=utf8';
    if (type === GRAPHQL_RESPONSE && utf8) return GRAPHQL_RESPONSE;
    if ((type === JSON_TYPE || type === 'application/*' || type === '*/*') && utf8) return JSON_TYPE;
  }
  return null;
}

const respond = (status: number, media: MediaType, body: unknown, headers: Record<string, string> = {}): HttpOutput => ({
  status,
  headers: { 'content-type': `${media}; charset=utf-8`, ...headers },
  body: JSON.stringify(body),
});

/** A request that could not become an operation: 400, or 200 for legacy application/json clients where the spec says so. */
const refuse = (
  media: MediaType,
  errors: readonly GraphQLFormattedError[],
  status = media === JSON_TYPE ? 200 : 400,
  headers: Record<string, string> = {},
): HttpOutput => respond(status, media, { errors }, headers);

const badRequest = (media: MediaType, message: string, code = 'BAD_REQUEST'): HttpOutput => refuse(media, [{ message, extensions: { code } }], 400);

interface Params {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

async function readParams(input: HttpInput, media: MediaType, maxBodyBytes: number): Promise<Params | HttpOutput> {
  let raw: Record<string, unknown>;
  if (input.method === 'GET') {
    raw = {};
    for (const name of ['query', 'operationName', 'variables', 'extensions']) {
      const value = input.searchParams.get(name);
      if (value === null) continue;
      if (name === 'variables' || name === 'extensions') {
        try {
          raw[name] = JSON.parse(value);
        } catch {
          return badRequest(media, `the ${name} parameter is not JSON`);
        }
      } else raw[name] = value;
    }
  } else {
    const [type, charset = 'charset=utf-8'] = (input.header('content-type') ?? '').replace(/\s/g, '').toLowerCase().split(';');
    if (type !== JSON_TYPE || (charset !== 'charset=utf-8' && charset !== 'charset=utf8')) {
      return {
        ...badRequest(media, `POST needs content-type application/json, got ${input.header('content-type') ?? 'none'}`, 'UNSUPPORTED_MEDIA_TYPE'),
        status: 415,
      };
    }
    const declared = Number(input.header('content-length') ?? 0);
    if (declared > maxBodyBytes) return { ...badRequest(media, `the body is over the limit of ${maxBodyBytes} bytes`, 'BODY_TOO_LARGE'), status: 413 };
    const text = await input.text();
    if (Buffer.byteLength(text) > maxBodyBytes)
      return { ...badRequest(media, `the body is over the limit of ${maxBodyBytes} bytes`, 'BODY_TOO_LARGE'), status: 413 };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return badRequest(media, 'the body is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return badRequest(media, 'the body must be a JSON object {query, operationName?, variables?, extensions?}');
    raw = parsed as Record<string, unknown>;
  }
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (raw['query'] !== undefined && raw['query'] !== null && typeof raw['query'] !== 'string') return badRequest(media, 'query must be a string');
  if (raw['operationName'] != null && typeof raw['operationName'] !== 'string') return badRequest(media, 'operationName must be a string');
  if (raw['variables'] != null && !isMap(raw['variables'])) return badRequest(media, 'variables must be a map');
  if (raw['extensions'] != null && !isMap(raw['extensions'])) return badRequest(media, 'extensions must be a map');
  return {
    ...(typeof raw['query'] === 'string' ? { query: raw['query'] } : {}),
    ...(typeof raw['operationName'] === 'string' ? { operationName: raw['operationName'] } : {}),
    ...(isMap(raw['variables']) ? { variables: raw['variables'] as Record<string, unknown> } : {}),
    ...(isMap(raw['extensions']) ? { extensions: raw['extensions'] as Record<string, unknown> } : {}),
  };
}

function formatErrors(errors: readonly GraphQLError[], deps: GraphQLHttpDeps): GraphQLFormattedError[] {
  return errors.map((e) => {
    const { formatted, internal } = maskError(e, deps.correlationId);
    if (internal !== undefined) deps.logInternal(internal);
    return formatted;
  });
}

const isLimit = (errors: readonly GraphQLError[]) => errors.some((e) => e.extensions?.['code'] === 'QUERY_LIMIT');

export async function handleGraphQLHttp(input: HttpInput, deps: GraphQLHttpDeps): Promise<HttpOutput> {
  const media = acceptedMediaType(input.header('accept'));
  if (!media)
    return {
      status: 406,
      headers: { accept: `${GRAPHQL_RESPONSE}; charset=utf-8, ${JSON_TYPE}; charset=utf-8`, 'content-type': `${JSON_TYPE}; charset=utf-8` },
      body: JSON.stringify({ errors: [{ message: `accept ${GRAPHQL_RESPONSE} or ${JSON_TYPE}` }] }),
    };
  if (input.method !== 'GET' && input.method !== 'POST')
    return {
      ...badRequest(media, `method ${input.method} is not allowed; use GET or POST`, 'METHOD_NOT_ALLOWED'),
      status: 405,
      headers: { allow: 'GET, POST', 'content-type': `${media}; charset=utf-8` },
    };
  const params = await readParams(input, media, deps.maxBodyBytes);
  if ('status' in params) return params;
  const query = await deps.persisted.resolve(params.query, params.extensions);
  if (query instanceof GraphQLError) {
    const code = query.extensions['code'];
    return refuse(media, [query.toJSON()], code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'PERSISTED_QUERY_NOT_SUPPORTED' ? 200 : 400);
  }
  const op = deps.engine.operation({ query, operationName: params.operationName, variables: params.variables });
  if ('errors' in op) return refuse(media, formatErrors(op.errors, deps), isLimit(op.errors) ? 400 : undefined);
  if (op.operation.operation !== 'query') {
    const message = `${op.operation.operation} operations are not supported: this API is read-only`;
    if (input.method === 'GET')
      return { ...badRequest(media, message, 'METHOD_NOT_ALLOWED'), status: 405, headers: { allow: 'POST', 'content-type': `${media}; charset=utf-8` } };
    return refuse(media, [{ message, extensions: { code: 'OPERATION_NOT_SUPPORTED' } }], 400);
  }
  const result: ExecutionResult = await deps.engine.execute(op, deps.context());
  const body = { ...(result.errors ? { errors: formatErrors(result.errors, deps) } : {}), ...('data' in result ? { data: result.data } : {}) };
  // No data at all: the variables did not coerce, a request error (400 for the GraphQL media type).
  return respond(!('data' in result) || result.data === undefined ? (media === JSON_TYPE ? 200 : 400) : 200, media, body);
}
