// The one place where failures get a type and a shape, by whose fault they are:
// - the caller's: UserError, with an HTTP status (4xx) and a stable problem code, shown as it is;
// - a dependency's (storage, event hub, search index, durable entities down or refusing):
//   UnavailableError naming the dependency, answered 503, the request may succeed later;
// - ours (a bug, a setting missing at run time: ConfigError, SystemError, anything else): 500,
//   masked for the client (a correlation id to quote), logged in full.
// toProblem below is the one mapping to HTTP (core/graphql/errors.ts maps the same to GraphQL).
// Domain rejections (a bad event, an unknown type) are returned as values, not thrown.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class SystemError extends Error {
  override readonly name: string = 'SystemError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A dependency (storage, event hub, search index) is down or refusing: the request may succeed
 * later. Answered 503 naming the dependency, never its internals.
 */
export class UnavailableError extends SystemError {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
  }
}

/**
 * Runs a call to a dependency: whatever it throws, but a UserError or an UnavailableError already
 * named, becomes UnavailableError(`name`).
 */
export async function fromDependency<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UserError || err instanceof UnavailableError) throw err;
    throw new UnavailableError(name, { cause: err });
  }
}

/** A setting that is missing or malformed: the app must not start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`setting ${setting}: ${message}`);
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  correlationId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** Turns any thrown value into a user or system error. */
export function normalizeError(thrown: unknown): UserError | SystemError {
  if (thrown instanceof UserError || thrown instanceof SystemError) return thrown;
  if (thrown instanceof Error) return new SystemError(thrown.message, { cause: thrown });
  return new SystemError(typeof thrown === 'string' ? thrown : 'non-error value thrown', { cause: thrown });
}

/**
 * The problem+json body for a failure. System errors are masked: the client sees a generic
 * detail and the correlation id to quote; the full error goes to the log only.
 */
export function toProblem(thrown: unknown, correlationId?: string): Problem {
  const err = normalizeError(thrown);
  if (err instanceof UserError) {
    return {
      ...err.extra,
      type: `https://meshgraph.dev/problems/${err.code}`,
      title: titleFor(err.status),
      status: err.status,
      detail: err.message,
      code: err.code,
      ...(correlationId ? { correlationId } : {}),
    };
  }
  if (err instanceof UnavailableError) {
    return {
      type: 'https://meshgraph.dev/problems/unavailable',
      title: titleFor(503),
      status: 503,
      detail: `${err.dependency} is unavailable; nothing was accepted from this request, retry it later.`,
      code: 'unavailable',
      ...(correlationId ? { correlationId } : {}),
    };
  }
  return {
    type: 'https://meshgraph.dev/problems/internal',
    title: titleFor(500),
    status: 500,
    detail: 'The server failed to handle this request. Quote the correlation id when reporting it.',
    code: 'internal',
    ...(correlationId ? { correlationId } : {}),
  };
}

export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  return String(thrown);
}
