// The Elasticsearch ProjectionStore: index `<alias>_v<N>` per node type behind the alias
// `meshgraph-<type>` (core/contracts/naming.ts), mappings from the IndexSpec (kept in the
// mapping's _meta, so any process can read what an alias points at), external versions so
// replays and reordering are harmless. Tombstones stay as documents flagged deleted: an
// Elasticsearch delete forgets its version after index.gc_deletes (60 s), and a late older write
// would then bring the node back.
import { Client, errors } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import { ConfigError, UnavailableError, UserError } from '../../core/errors';
import { decodeCursor, encodeCursor } from '../../core/projection/cursor';
import type { CursorValue } from '../../core/projection/cursor';
import {
  UnknownIndexError,
  type BulkResult,
  type FacetBucket,
  type IndexSpec,
  type IndexVersion,
  type ProjectionDoc,
  type ProjectionStore,
  type SearchPage,
  type SearchRequest,
} from '../../core/projection/port';
import { DEFAULT_RETRY, bulkWrite } from './elasticsearch-bulk';
import type { BulkTarget, RetryPolicy } from './elasticsearch-bulk';
import { DELETED_FIELD, ID_FIELD, SETTINGS, aliasOf, hasWords, mappingsOf, searchQuery, sortOf, termsAggregation, versionedIndexOf } from './elasticsearch-dsl';

export interface ElasticsearchStoreOptions {
  /** A client of your own (tests pass one on the mock connection); else built from url/cloudId. */
  client?: Client;
  url?: string;
  cloudId?: string;
  apiKey?: string;
  /** Make each bulk searchable before it returns (tests; production relies on refresh_interval). */
  refresh?: boolean;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

type ClientOptions = ConstructorParameters<typeof Client>[0];

const DEFAULT_TOTAL_UP_TO = 10_000;
const MAX_PAGE_SIZE = 1_000;
const SPEC_TTL_MS = 5_000;

export function createElasticsearchClient(options: Pick<ElasticsearchStoreOptions, 'url' | 'cloudId' | 'apiKey'>): Client {
  const auth = options.apiKey ? { auth: { apiKey: options.apiKey } } : {};
  if (options.cloudId) return new Client({ cloud: { id: options.cloudId }, ...auth } satisfies ClientOptions);
  if (!options.url) throw new ConfigError('ELASTICSEARCH_URL', 'is needed for the Elasticsearch store (or a cloud id)');
  return new Client({ node: options.url, ...auth } satisfies ClientOptions);
}

const isStatus = (err: unknown, status: number) => err instanceof errors.ResponseError && err.statusCode === status;

/**
 * The cluster failing (unreachable, timing out, overloaded, answering 5xx) is a dependency's fault:
 * UnavailableError, answered 503. Anything else it refuses is a request meshgraph built wrong.
 */
function asDependencyFailure(err: unknown): unknown {
  const down = err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError;
  const refusing = err instanceof errors.ResponseError && (err.statusCode === 429 || (err.statusCode ?? 0) >= 500);
  return down || refusing ? new UnavailableError('the search index (Elasticsearch)', { cause: err }) : err;
}

async function fromCluster<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    throw asDependencyFailure(err);
  }
}

export class ElasticsearchProjectionStore implements ProjectionStore {
  readonly kind = 'elasticsearch';
  private readonly client: Client;
  private readonly specs = new Map<string, { spec: IndexSpec; at: number }>();
  private readonly bulkDeps;

  constructor(options: ElasticsearchStoreOptions) {
    this.client = options.client ?? createElasticsearchClient(options);
    this.bulkDeps = {
      client: this.client,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      refresh: options.refresh ?? false,
      sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    };
  }

  /** The spec of the index an alias (or index) names, from its mapping's _meta; briefly cached. `named`: what the caller asked for (a type). */
  private async specOf(target: string, named: string = target): Promise<IndexSpec> {
    const cached = this.specs.get(target);
    if (cached && Date.now() - cached.at < SPEC_TTL_MS) return cached.spec;
    let response: estypes.IndicesGetMappingResponse;
    try {
      response = await this.client.indices.getMapping({ index: target });
    } catch (err) {
      if (isStatus(err, 404)) throw new UnknownIndexError(named, `no search index ${target} (create one and point the alias at it)`);
      throw asDependencyFailure(err);
    }
    const spec = Object.values(response)[0]?.mappings._meta?.['spec'] as IndexSpec | undefined;
    if (!spec) throw new UnknownIndexError(named, `index ${target} was not created by meshgraph (no spec in its mapping)`);
    this.specs.set(target, { spec, at: Date.now() });
    return spec;
  }

  async createIndex(spec: IndexSpec): Promise<{ index: string }> {
    const index = versionedIndexOf(spec);
    try {
      await this.client.indices.create({ index, settings: SETTINGS, mappings: mappingsOf(spec) });
    } catch (err) {
      const type = err instanceof errors.ResponseError ? (err.body as { error?: { type?: string } } | undefined)?.error?.type : undefined;
      if (type !== 'resource_already_exists_exception') throw err;
    }
    return { index };
  }

  async swapAlias(type: string, index: string): Promise<void> {
    const alias = aliasOf(type);
    let current: string[] = [];
    try {
      current = Object.keys(await this.client.indices.getAlias({ name: alias }));
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    // One request: readers see the old index or the new one, never neither.
    const actions: estypes.IndicesUpdateAliasesAction[] = [
      ...current.filter((i) => i !== index).map((i) => ({ remove: { index: i, alias } })),
      { add: { index, alias } },
    ];
    await this.client.indices.updateAliases({ actions });
    this.specs.delete(alias);
  }

  async indexes(type: string): Promise<IndexVersion[]> {
    const alias = aliasOf(type);
    let response: estypes.IndicesGetAliasResponse;
    try {
      // Every index matching the pattern, with its aliases (none for an index not yet swapped in).
      response = await this.client.indices.getAlias({ index: `${alias}_v*` });
    } catch (err) {
      if (isStatus(err, 404)) return [];
      throw err;
    }
    const versionOf = new RegExp(`^${alias}_v(\\d+)$`);
    return Object.entries(response)
      .flatMap(([index, entry]) => {
        const match = versionOf.exec(index);
        return match ? [{ index, version: Number(match[1]), aliased: alias in (entry.aliases ?? {}) }] : [];
      })
      .sort((a, b) => a.version - b.version);
  }

  async deleteIndex(index: string): Promise<void> {
    try {
      await this.client.indices.delete({ index });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    this.specs.clear();
  }

  async bulk(docs: ProjectionDoc[], options: { index?: string } = {}): Promise<BulkResult> {
    if (options.index !== undefined && docs.length > 0 && !(await this.client.indices.exists({ index: options.index }))) {
      // Writing to a missing concrete index would auto-create it with guessed mappings.
      return { written: 0, stale: 0, failed: docs.map((d) => ({ id: d.id, retryable: false, reason: `no search index ${options.index}` })) };
    }
    const targets: BulkTarget[] = docs.map((doc) =>
      options.index !== undefined ? { doc, index: options.index, isAlias: false } : { doc, index: aliasOf(doc.type), isAlias: true },
    );
    return bulkWrite(this.bulkDeps, targets);
  }

  private toDoc(type: string, hit: { _id?: string | null; _version?: number; _source?: unknown }): ProjectionDoc {
    const { [ID_FIELD]: _id, [DELETED_FIELD]: _deleted, ...body } = (hit._source ?? {}) as Record<string, unknown>;
    return { id: hit._id ?? '', type, version: hit._version ?? 0, body };
  }

  async get(type: string, id: string): Promise<ProjectionDoc | undefined> {
    return (await this.mget(type, [id]))[0];
  }

  async mget(type: string, ids: string[]): Promise<Array<ProjectionDoc | undefined>> {
    const alias = aliasOf(type);
    await this.specOf(alias, type);
    if (ids.length === 0) return [];
    const response = await fromCluster(this.client.mget<Record<string, unknown>>({ index: alias, ids }));
    return response.docs.map((entry) => {
      if (!('found' in entry) || !entry.found || entry._source?.[DELETED_FIELD] === true) return undefined;
      return this.toDoc(type, entry);
    });
  }

  async search(type: string, request: SearchRequest): Promise<SearchPage> {
    const { first } = request;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
      throw new UserError(400, 'invalid-page', `first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
    const alias = aliasOf(type);
    const spec = await this.specOf(alias, type);
    const sort = sortOf(spec, request.sort, hasWords(request.text) && !request.sort?.length);
    const body: estypes.SearchRequest = {
      index: alias,
      query: searchQuery(spec, request),
      sort,
      size: first + 1,
      version: true,
      track_total_hits: request.totalUpTo ?? DEFAULT_TOTAL_UP_TO,
      ...(request.after !== undefined ? { search_after: decodeCursor(request.after, sort.length) as estypes.FieldValue[] } : {}),
    };
    const response = await fromCluster(this.client.search<Record<string, unknown>>(body));
    const hits = response.hits.hits.map((hit) => ({
      doc: this.toDoc(type, hit),
      cursor: encodeCursor((hit.sort ?? []) as CursorValue[]),
      ...(typeof hit._score === 'number' ? { score: hit._score } : {}),
    }));
    const page = hits.slice(0, first);
    const total = response.hits.total;
    const last = page[page.length - 1];
    return {
      hits: page,
      total: typeof total === 'object' ? { value: total.value, relation: total.relation } : { value: total ?? 0, relation: 'eq' },
      hasNextPage: hits.length > first,
      ...(last ? { endCursor: last.cursor } : {}),
    };
  }

  async facets(type: string, fields: string[], request: Pick<SearchRequest, 'text' | 'filter'>, size = 10): Promise<Record<string, FacetBucket[]>> {
    const alias = aliasOf(type);
    const spec = await this.specOf(alias, type);
    // Aggregation names are positions: field paths contain dots, which names may not.
    const aggregations = Object.fromEntries(fields.map((path, i) => [`f${i}`, termsAggregation(spec, path, size)]));
    const response = await fromCluster(this.client.search({ index: alias, size: 0, query: searchQuery(spec, request), aggregations, track_total_hits: false }));
    const out: Record<string, FacetBucket[]> = {};
    fields.forEach((path, i) => {
      const kind = spec.fields.find((f) => f.path === path)?.kind;
      const buckets =
        (response.aggregations?.[`f${i}`] as { buckets?: Array<{ key: string | number; key_as_string?: string; doc_count: number }> } | undefined)?.buckets ??
        [];
      out[path] = buckets.map((b) => ({
        value: kind === 'bool' ? b.key_as_string === 'true' : kind === 'datetime' ? new Date(b.key).toISOString() : b.key,
        count: b.doc_count,
      }));
    });
    return out;
  }

  async count(type: string, request: Pick<SearchRequest, 'text' | 'filter'> = {}): Promise<number> {
    const alias = aliasOf(type);
    const spec = await this.specOf(alias, type);
    return (await fromCluster(this.client.count({ index: alias, query: searchQuery(spec, request) }))).count;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
