// Every setting the product reads, in one list, read once at start and validated with a message
// that names the setting. The settings table of docs/settings.md, local.settings.json and the Bicep app
// settings are checked against SETTINGS by tests, so this list is the single source.
import { ConfigError } from './errors';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type HostStoreKind = 'sqlite' | 'azurite' | 'memory';
export const HOST_STORE_KINDS: readonly HostStoreKind[] = ['sqlite', 'azurite', 'memory'];

export interface Config {
  /** Storage for the durable backend and dead letters (connection string, or identity-based). */
  storage: { connectionString?: string; accountName?: string };
  eventHub: { connectionString?: string; fullyQualifiedNamespace?: string; name: string };
  elasticsearch: { url?: string; apiKey?: string };
  contractsModule: string;
  dataDir: string;
  coldApiBaseUrl?: string;
  /** Where the cold app's dead-letter replay sends events; absent: its own origin (the local host). */
  hotApiBaseUrl?: string;
  logLevel: LogLevel;
  ingest: { maxBytes: number; maxEvents: number; waitTimeoutMs: number; routers: number };
  history: { limit: number; maxAgeMs: number; maxChars: number };
  graphql: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxFirst: number;
    maxQueryBytes: number;
    persistedQueries: 'apq' | 'safelist' | 'off';
    graphiql: boolean;
    executor: 'jit' | 'standard';
  };
  /** Local host only. */
  host: { store: HostStoreKind; port: number; azurite: 'auto' | 'external' };
}

export interface SettingSpec {
  name: string;
  description: string;
  /** Which deployed apps read it; 'host' means the local host only (never deployed). */
  apps: ReadonlyArray<'hot' | 'cold' | 'host'>;
  default?: string;
  secret?: boolean;
}

export const SETTINGS: readonly SettingSpec[] = [
  {
    name: 'AzureWebJobsStorage',
    apps: ['hot', 'cold'],
    description: 'Storage connection string for the durable backend and dead letters (Azurite locally: UseDevelopmentStorage=true).',
    secret: true,
  },
  {
    name: 'AzureWebJobsStorage__accountName',
    apps: ['hot', 'cold'],
    description: 'Identity-based alternative to AzureWebJobsStorage: the storage account name.',
  },
  {
    name: 'EventHubConnection',
    apps: ['hot'],
    description: 'Event Hubs connection string; empty locally (the host feeds the trigger from its own durable stream).',
    secret: true,
  },
  {
    name: 'EventHubConnection__fullyQualifiedNamespace',
    apps: ['hot'],
    description: 'Identity-based alternative to EventHubConnection: <namespace>.servicebus.windows.net.',
  },
  { name: 'EVENT_HUB_NAME', apps: ['hot'], default: 'meshgraph-events', description: 'Name of the event hub that sources publish to.' },
  {
    name: 'EVENT_HUB_CONSUMER_GROUP',
    apps: ['hot'],
    default: '$Default',
    description: "The hot app's consumer group on the event hub (its trigger reads through it).",
  },
  { name: 'ELASTICSEARCH_URL', apps: ['hot', 'cold'], description: 'Elasticsearch endpoint; empty selects the embedded SQLite store under MESH_DATA_DIR.' },
  { name: 'ELASTICSEARCH_API_KEY', apps: ['hot', 'cold'], description: 'Elasticsearch API key (a Key Vault reference in Azure).', secret: true },
  {
    name: 'MESH_CONTRACTS',
    apps: ['hot', 'cold'],
    default: 'contracts/telecom',
    description: 'Module that exports the data product (node types, edges, source mappings).',
  },
  {
    name: 'MESH_DATA_DIR',
    apps: ['hot', 'cold', 'host'],
    default: '.data',
    description: 'Folder for local data: the SQLite index, the entity store, Azurite files.',
  },
  {
    name: 'HOT_API_BASE_URL',
    apps: ['cold'],
    description:
      "Base URL of the hot function app (…/api): where POST /api/admin/deadletters/replay sends events; empty: the cold app's own origin, as in the local host.",
  },
  { name: 'COLD_API_BASE_URL', apps: ['hot'], description: 'Base URL of the cold function app, linked from the hot app for rarely used queries.' },
  { name: 'MESH_LOG_LEVEL', apps: ['hot', 'cold', 'host'], default: 'info', description: 'Lowest level logged: debug, info, warn or error.' },
  { name: 'MESH_MAX_INGEST_BYTES', apps: ['hot'], default: '4194304', description: 'Largest body POST /api/events accepts, in bytes (413 beyond).' },
  { name: 'MESH_MAX_INGEST_EVENTS', apps: ['hot'], default: '10000', description: 'Most events one POST /api/events may carry (413 beyond).' },
  {
    name: 'MESH_INGEST_WAIT_MS',
    apps: ['hot'],
    default: '30000',
    description: 'How long POST /api/events?wait=true waits for the events to be applied and projected.',
  },
  {
    name: 'MESH_ROUTERS',
    apps: ['hot'],
    default: '16',
    description: 'Router entities that fan an ingest batch out to node entities (durable client calls per batch at most).',
  },
  { name: 'MESH_HISTORY_LIMIT', apps: ['hot'], default: '100', description: 'Field changes each node keeps for history, lineage and time travel.' },
  { name: 'MESH_HISTORY_MAX_AGE_DAYS', apps: ['hot'], default: '90', description: 'Oldest field change a node keeps, in days.' },
  {
    name: 'MESH_HISTORY_MAX_KB',
    apps: ['hot'],
    default: '64',
    description: 'Field values (in KB of JSON) each node keeps in its history; values over 4 KB are never kept there (the history says how large they were).',
  },
  { name: 'MESH_GRAPHQL_MAX_DEPTH', apps: ['hot'], default: '12', description: 'Deepest field nesting a GraphQL query may have (400 QUERY_LIMIT beyond).' },
  { name: 'MESH_GRAPHQL_MAX_ALIASES', apps: ['hot'], default: '30', description: 'Most aliases one GraphQL document may use.' },
  {
    name: 'MESH_GRAPHQL_MAX_COST',
    apps: ['hot'],
    default: '20000',
    description: 'Highest cost of one GraphQL query: each field costs 1, times the size of the lists above it (first, ids, or 20 per relation).',
  },
  { name: 'MESH_GRAPHQL_MAX_FIRST', apps: ['hot'], default: '100', description: 'Largest page (first) a GraphQL search may ask for.' },
  { name: 'MESH_GRAPHQL_MAX_QUERY_BYTES', apps: ['hot'], default: '32768', description: 'Longest GraphQL query text, in bytes.' },
  {
    name: 'MESH_GRAPHQL_PERSISTED_QUERIES',
    apps: ['hot'],
    default: 'apq',
    description: 'apq: automatic persisted queries (any query runs); safelist: only operations registered with `meshgraph queries register`; off.',
  },
  { name: 'MESH_GRAPHIQL', apps: ['hot'], default: 'on', description: 'Serve the GraphiQL page on GET /api/graphql to browsers (on or off).' },
  {
    name: 'MESH_GRAPHQL_EXECUTOR',
    apps: ['hot'],
    default: 'jit',
    description: 'jit (compiled queries, faster) or standard (graphql-js); both give the same answers.',
  },
  {
    name: 'MESH_STORE',
    apps: ['host'],
    default: 'sqlite',
    description:
      'Where the local host keeps entity state and queues: sqlite (a file under MESH_DATA_DIR, durable), azurite (Azurite tables, for fidelity with Azure Storage) or memory (tests).',
  },
  { name: 'PORT', apps: ['host'], default: '7071', description: 'Port of the local host.' },
  {
    name: 'MESH_AZURITE',
    apps: ['host'],
    default: 'auto',
    description:
      "auto: the local host starts Azurite for MESH_DATA_DIR, or uses the one already serving that directory, and refuses one holding another directory's data; external: it uses whatever AzureWebJobsStorage points at, as it is, and never starts or stops it.",
  },
];

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The default of a setting that has one (the settings list is its one place). */
export function settingDefault(name: string): string {
  const spec = SETTINGS.find((s) => s.name === name);
  if (spec?.default === undefined) throw new Error(`setting ${name} has no default`);
  return spec.default;
}

function withDefault(env: Env, name: string): string {
  return value(env, name) ?? settingDefault(name);
}

function httpUrl(env: Env, name: string, problems: ConfigError[]): string | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    return v.replace(/\/+$/, '');
  } catch {
    problems.push(new ConfigError(name, `"${v}" is not an http(s) URL`));
    return undefined;
  }
}

function positiveInt(env: Env, name: string, problems: ConfigError[]): number {
  const text = withDefault(env, name);
  const n = Number(text);
  if (Number.isInteger(n) && n > 0) return n;
  problems.push(new ConfigError(name, `"${text}" is not a positive integer`));
  return Number(SETTINGS.find((s) => s.name === name)?.default ?? 1);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], problems: ConfigError[]): T {
  const v = withDefault(env, name);
  if ((allowed as readonly string[]).includes(v)) return v as T;
  problems.push(new ConfigError(name, `"${v}" is not one of ${allowed.join(', ')}`));
  return allowed[0] as T;
}

/** Reads and validates every setting; throws one ConfigError listing every problem found. */
export function loadConfig(env: Env = process.env): Config {
  const problems: ConfigError[] = [];

  const connectionString = value(env, 'AzureWebJobsStorage');
  const accountName = value(env, 'AzureWebJobsStorage__accountName');
  if (!connectionString && !accountName) {
    problems.push(
      new ConfigError(
        'AzureWebJobsStorage',
        'is required (or AzureWebJobsStorage__accountName for an identity-based connection); locally use UseDevelopmentStorage=true',
      ),
    );
  } else if (connectionString && connectionString !== 'UseDevelopmentStorage=true' && !/AccountName=|BlobEndpoint=|TableEndpoint=/i.test(connectionString)) {
    problems.push(
      new ConfigError('AzureWebJobsStorage', 'is not a storage connection string (expected UseDevelopmentStorage=true or one with AccountName=...)'),
    );
  }

  const ehConnection = value(env, 'EventHubConnection');
  if (ehConnection && !/Endpoint=sb:\/\//i.test(ehConnection)) {
    problems.push(new ConfigError('EventHubConnection', 'is not an Event Hubs connection string (expected Endpoint=sb://...)'));
  }
  const ehNamespace = value(env, 'EventHubConnection__fullyQualifiedNamespace');
  if (ehNamespace && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(ehNamespace)) {
    problems.push(
      new ConfigError('EventHubConnection__fullyQualifiedNamespace', `"${ehNamespace}" is not a host name like <namespace>.servicebus.windows.net`),
    );
  }
  const ehName = withDefault(env, 'EVENT_HUB_NAME');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(ehName)) {
    problems.push(new ConfigError('EVENT_HUB_NAME', `"${ehName}" is not a valid event hub name`));
  }

  const esUrl = httpUrl(env, 'ELASTICSEARCH_URL', problems);
  const coldUrl = httpUrl(env, 'COLD_API_BASE_URL', problems);
  const hotUrl = httpUrl(env, 'HOT_API_BASE_URL', problems);

  const portText = withDefault(env, 'PORT');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(new ConfigError('PORT', `"${portText}" is not a port number (0-65535)`));
  }

  const config: Config = {
    storage: { ...(connectionString ? { connectionString } : {}), ...(accountName ? { accountName } : {}) },
    eventHub: {
      ...(ehConnection ? { connectionString: ehConnection } : {}),
      ...(ehNamespace ? { fullyQualifiedNamespace: ehNamespace } : {}),
      name: ehName,
    },
    elasticsearch: { ...(esUrl ? { url: esUrl } : {}), ...(value(env, 'ELASTICSEARCH_API_KEY') ? { apiKey: value(env, 'ELASTICSEARCH_API_KEY') } : {}) },
    contractsModule: withDefault(env, 'MESH_CONTRACTS'),
    dataDir: withDefault(env, 'MESH_DATA_DIR'),
    ...(coldUrl ? { coldApiBaseUrl: coldUrl } : {}),
    ...(hotUrl ? { hotApiBaseUrl: hotUrl } : {}),
    logLevel: oneOf(env, 'MESH_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, problems),
    ingest: {
      maxBytes: positiveInt(env, 'MESH_MAX_INGEST_BYTES', problems),
      maxEvents: positiveInt(env, 'MESH_MAX_INGEST_EVENTS', problems),
      waitTimeoutMs: positiveInt(env, 'MESH_INGEST_WAIT_MS', problems),
      routers: positiveInt(env, 'MESH_ROUTERS', problems),
    },
    history: {
      limit: positiveInt(env, 'MESH_HISTORY_LIMIT', problems),
      maxAgeMs: positiveInt(env, 'MESH_HISTORY_MAX_AGE_DAYS', problems) * 86_400_000,
      maxChars: positiveInt(env, 'MESH_HISTORY_MAX_KB', problems) * 1024,
    },
    graphql: {
      maxDepth: positiveInt(env, 'MESH_GRAPHQL_MAX_DEPTH', problems),
      maxAliases: positiveInt(env, 'MESH_GRAPHQL_MAX_ALIASES', problems),
      maxCost: positiveInt(env, 'MESH_GRAPHQL_MAX_COST', problems),
      maxFirst: positiveInt(env, 'MESH_GRAPHQL_MAX_FIRST', problems),
      maxQueryBytes: positiveInt(env, 'MESH_GRAPHQL_MAX_QUERY_BYTES', problems),
      persistedQueries: oneOf(env, 'MESH_GRAPHQL_PERSISTED_QUERIES', ['apq', 'safelist', 'off'] as const, problems),
      graphiql: oneOf(env, 'MESH_GRAPHIQL', ['on', 'off'] as const, problems) === 'on',
      executor: oneOf(env, 'MESH_GRAPHQL_EXECUTOR', ['jit', 'standard'] as const, problems),
    },
    host: { store: oneOf(env, 'MESH_STORE', HOST_STORE_KINDS, problems), port, azurite: oneOf(env, 'MESH_AZURITE', ['auto', 'external'] as const, problems) },
  };

  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) {
    throw new ConfigError(problems.map((p) => p.setting).join(', '), '\n  ' + problems.map((p) => p.message).join('\n  '));
  }
  return Object.freeze(config);
}

let cached: Config | undefined;
/** The app's settings, validated on first use (at module load of each function app). */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

/**
 * Forgets the settings read so far, so the next config() reads them again. For a host that loads
 * an app from source more than once in one process (a stopped host, then another on another data
 * directory): a fresh worker process would read them again, and this module stays loaded.
 */
export function forgetConfig(): void {
  cached = undefined;
}
