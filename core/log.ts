// Structured logging through the invocation context, so Application Insights receives every line
// with its correlation id; the local host prints the same JSON readably.
export type Level = 'debug' | 'info' | 'warn' | 'error';

/** The part of @azure/functions' InvocationContext that logging needs (kept SDK-free). */
export interface LogTarget {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface Logger {
  readonly correlationId: string;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(target: LogTarget, correlationId: string, minLevel: Level = 'info'): Logger {
  const emit =
    (level: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < ORDER[minLevel]) return;
      target[level](JSON.stringify({ msg, correlationId, ...fields }));
    };
  return { correlationId, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Correlation id of an incoming request: the caller's, else the W3C trace id, else the invocation id. */
export function correlationIdFrom(headers: { get(name: string): string | null }, invocationId: string): string {
  const explicit = headers.get('x-correlation-id');
  if (explicit && /^[\w.:-]{1,128}$/.test(explicit)) return explicit;
  const traceparent = headers.get('traceparent');
  const traceId = traceparent?.split('-')[1];
  if (traceId && /^[0-9a-f]{32}$/.test(traceId)) return traceId;
  return invocationId;
}
