// Persisted queries. Automatic Persisted Queries (Apollo's protocol): a client sends only
// `extensions.persistedQuery.sha256Hash`; on PERSISTED_QUERY_NOT_FOUND it sends the query once
// with the hash and later requests are hash-only. Safelist mode: only operations registered
// with `meshgraph queries register` run, by hash or by their exact text.
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { RecentCache } from '../recent-cache';

export type PersistedMode = 'apq' | 'safelist' | 'off';

/** Registered operations (durable, shared by every instance). */
export interface QueryRegistry {
  lookup(hash: string): Promise<string | undefined>;
  register(operations: Array<{ hash: string; query: string; name?: string }>): Promise<void>;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const requestError = (message: string, code: string): GraphQLError => new GraphQLError(message, { extensions: { code } });

export class PersistedQueries {
  private readonly automatic = new RecentCache<string, string>(5000);

  constructor(
    readonly mode: PersistedMode,
    private readonly registry: QueryRegistry | undefined,
  ) {}

  /** The query text to run, or the error that answers the request. */
  async resolve(query: string | undefined, extensions: Record<string, unknown> | undefined): Promise<string | GraphQLError> {
    const persisted = extensions?.['persistedQuery'];
    let hash: string | undefined;
    if (persisted !== undefined && persisted !== null) {
      const p = persisted as { version?: unknown; sha256Hash?: unknown };
      if (typeof p !== 'object' || p.version !== 1 || typeof p.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/i.test(p.sha256Hash)) {
        return requestError('extensions.persistedQuery needs {"version": 1, "sha256Hash": "<64 hex digits>"}', 'BAD_REQUEST');
      }
      if (this.mode === 'off') return requestError('PersistedQueryNotSupported', 'PERSISTED_QUERY_NOT_SUPPORTED');
      hash = p.sha256Hash.toLowerCase();
    }
    if (query !== undefined) {
      if (this.mode === 'off' || (this.mode === 'apq' && hash === undefined)) return query;
      const actual = sha256(query);
      if (hash !== undefined && hash !== actual) return requestError('provided sha does not match query', 'BAD_REQUEST');
      if (this.mode === 'safelist') {
        if (this.automatic.get(actual) === undefined && (await this.registry?.lookup(actual)) === undefined) {
          return requestError('this operation is not in the safelist: register it with `meshgraph queries register FILE`', 'OPERATION_NOT_IN_SAFELIST');
        }
      }
      this.automatic.set(actual, query);
      return query;
    }
    if (hash === undefined) return requestError('the request has no query', 'BAD_REQUEST');
    const known = this.automatic.get(hash) ?? (await this.registry?.lookup(hash));
    if (known === undefined) return requestError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND');
    this.automatic.set(hash, known);
    return known;
  }
}
