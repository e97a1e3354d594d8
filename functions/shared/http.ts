// The one wrapper every HTTP function uses: correlation id, structured log, and any thrown value
// turned into problem+json (user errors as they are; system errors masked and logged in full).
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { config } from '../../core/config';
import { PROBLEM_CONTENT_TYPE, normalizeError, toProblem, SystemError, UserError } from '../../core/errors';
import { createLogger, correlationIdFrom, type Logger } from '../../core/log';

export interface RequestScope {
  request: HttpRequest;
  context: InvocationContext;
  log: Logger;
  correlationId: string;
}

export function problemResponse(err: unknown, correlationId: string): HttpResponseInit {
  const problem = toProblem(err, correlationId);
  return { status: problem.status, jsonBody: problem, headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'x-correlation-id': correlationId } };
}

export function httpHandler(handle: (scope: RequestScope) => Promise<HttpResponseInit>): HttpHandler {
  return async (request, context) => {
    const correlationId = correlationIdFrom(request.headers, context.invocationId);
    const log = createLogger(context, correlationId, config().logLevel);
    try {
      const response = await handle({ request, context, log, correlationId });
      return { ...response, headers: { ...(response.headers as Record<string, string> | undefined), 'x-correlation-id': correlationId } };
    } catch (thrown) {
      const err = normalizeError(thrown);
      if (err instanceof SystemError)
        log.error('request failed', { error: err.message, stack: (err.cause as Error | undefined)?.stack ?? err.stack, url: request.url });
      else log.info('request refused', { status: err.status, code: err.code, detail: err.message });
      return problemResponse(err, correlationId);
    }
  };
}

/**
 * The request's body as text, refused with a 413 past `maxBytes`: at once when the declared
 * Content-Length says so, else once read (a chunked body declares none).
 */
export async function bodyWithin(request: HttpRequest, maxBytes: number): Promise<string> {
  const tooLarge = () => new UserError(413, 'body-too-large', `the body is over the limit of ${maxBytes} bytes`, { limit: maxBytes });
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLarge();
  return text;
}
