// What a client sees of an error: GraphQL errors and user errors as they are; anything else is
// masked ("internal error", with the correlation id) and logged in full by the caller.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { UnavailableError, UserError } from '../errors';

export interface MaskedError {
  formatted: GraphQLFormattedError;
  /** The unexpected error that was masked (for the log), if any. */
  internal?: unknown;
}

export function maskError(err: GraphQLError, correlationId: string): MaskedError {
  const original = err.originalError;
  if (!original || original instanceof GraphQLError) return { formatted: err.toJSON() };
  const base = { ...(err.locations ? { locations: err.locations } : {}), ...(err.path ? { path: err.path } : {}) };
  if (original instanceof UserError) {
    return { formatted: { message: original.message, ...base, extensions: { code: original.code.toUpperCase().replace(/-/g, '_'), ...original.extra } } };
  }
  if (original instanceof UnavailableError) {
    return { formatted: { message: original.message, ...base, extensions: { code: 'UNAVAILABLE', correlationId } }, internal: original };
  }
  return {
    formatted: { message: `internal error (correlation id ${correlationId})`, ...base, extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId } },
    internal: original,
  };
}
