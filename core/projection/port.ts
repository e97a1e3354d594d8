// The ProjectionStore port: where each node's ephemeral subgraph becomes one searchable document.
// Adapters: adapters/search/sqlite.ts (embedded, the local default) and
// adapters/search/elasticsearch.ts. One conformance suite (test/conformance/) runs against both.
import type { Filter, SortKey } from './filter';

/** One node's projection. `version` is external: a write with a version <= the stored one is a no-op. */
export interface ProjectionDoc {
  /** Global id `Type:key`, e.g. `Customer:c1`. */
  id: string;
  type: string;
  version: number;
  /** A tombstone: the node was deleted at `version`. */
  deleted?: boolean;
  /** The node's fields plus its denormalized neighbour fields, as the contract shapes them. */
  body: Record<string, unknown>;
}

export interface BulkFailure {
  id: string;
  reason: string;
  /** Worth retrying later (429, 5xx, timeout); otherwise dead-letter it with the reason. */
  retryable: boolean;
}

export interface BulkResult {
  /** Documents written (newer than what the store held). */
  written: number;
  /** Documents ignored because the store already held that version or a newer one. */
  stale: number;
  failed: BulkFailure[];
}

export interface SearchRequest {
  /** Free text over the searchable fields; never interpreted as query syntax. */
  text?: string;
  filter?: Filter;
  sort?: SortKey[];
  first: number;
  /** Opaque cursor from a previous page's `endCursor`. */
  after?: string;
  /** Count totals exactly up to this many matches (like Elasticsearch's track_total_hits). */
  totalUpTo?: number;
}

export interface SearchHit {
  doc: ProjectionDoc;
  cursor: string;
  score?: number;
}

export interface SearchPage {
  hits: SearchHit[];
  total: { value: number; relation: 'eq' | 'gte' };
  hasNextPage: boolean;
  endCursor?: string;
}

export interface FacetBucket {
  value: string | number | boolean;
  count: number;
}

/** One version of a type's index. */
export interface IndexVersion {
  index: string;
  version: number;
  /** Whether the type's alias points at it. */
  aliased: boolean;
}

/**
 * The store has no index (or alias) by that name. Callers act on it (the apps create a missing
 * type's index); reaching a client it is the service's fault, not the caller's.
 */
export class UnknownIndexError extends Error {
  override readonly name = 'UnknownIndexError';
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether `err` is an UnknownIndexError, by its name rather than instanceof: the store adapter is
 * loaded on first use, and where an app is loaded from source twice in one process (one local
 * host after another) its adapter may be the first load's module, with the first load's class.
 */
export function isUnknownIndexError(err: unknown): err is UnknownIndexError {
  return err instanceof Error && err.name === 'UnknownIndexError';
}

/** Reads and searches of a type whose index does not exist reject with UnknownIndexError. */
export interface ProjectionStore {
  readonly kind: string;
  /** Creates index version `<type>_v<version>` for a node type from its contract; idempotent. */
  createIndex(spec: IndexSpec): Promise<{ index: string }>;
  /** Points the alias `<type>` at `index` atomically (queries and writes follow the alias). */
  swapAlias(type: string, index: string): Promise<void>;
  deleteIndex(index: string): Promise<void>;
  /** Every version of a type's index, oldest first (a reindex deletes the ones it replaced). */
  indexes(type: string): Promise<IndexVersion[]>;
  /**
   * Versioned upserts and tombstones; `index` overrides the alias (reindex writes the new version).
   * Once it resolves, `get` and `mget` see the documents; search, facets and count see them after
   * the store's refresh (Elasticsearch: refresh_interval; SQLite: before the next read).
   */
  bulk(docs: ProjectionDoc[], options?: { index?: string }): Promise<BulkResult>;
  get(type: string, id: string): Promise<ProjectionDoc | undefined>;
  mget(type: string, ids: string[]): Promise<Array<ProjectionDoc | undefined>>;
  search(type: string, request: SearchRequest): Promise<SearchPage>;
  facets(type: string, fields: string[], request: Pick<SearchRequest, 'text' | 'filter'>, size?: number): Promise<Record<string, FacetBucket[]>>;
  count(type: string, request?: Pick<SearchRequest, 'text' | 'filter'>): Promise<number>;
  close(): Promise<void>;
}

export type IndexFieldKind = 'text' | 'keyword' | 'int' | 'float' | 'bool' | 'datetime';

/** What an adapter needs to index one node type; derived from the contract (core/projection/spec.ts). */
export interface IndexSpec {
  type: string;
  /** Bumped when the mapping changes; the index is `<type>_v<version>`. */
  version: number;
  fields: IndexFieldSpec[];
}

export interface IndexFieldSpec {
  /** Dotted path in the document body: `name`, or `accounts.status` for a denormalized field. */
  path: string;
  kind: IndexFieldKind;
  list: boolean;
  searchable: boolean;
  facet: boolean;
  sortable: boolean;
}
