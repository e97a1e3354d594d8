// The one wrapper every HTTP function uses: correlation id, structured log, and any thrown value
// turned into problem+json (user errors as they are; system errors masked and logged in full).
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { config } from '../../core/config';
import { PROBLEM_CONTENT_TYPE, normalizeError, toProblem, SystemError } from '../../core/errors';
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
      if (err instanceof SystemError) log.error('request failed', { error: err.message, stack: (err.cause as Error | undefined)?.stack ?? err.stack, url: request.url });
      else log.info('request refused', { status: err.status, code: err.code, detail: err.message });
      return problemResponse(err, correlationId);
    }
  };
}
