// Every command of `meshgraph`, declared once: its options, positional arguments and usage. The
// dispatcher (cli/cli.ts) parses with these before it loads a command's code, so `--help` and bad
// usage answer at once and change nothing. Nothing here may import a command's implementation.
import { command, type CommandGroup, type CommandSpec } from './args';
import { HOST_STORE_KINDS } from '../core/config';

/** How commands that talk to a running host find it (cli/host-url.ts), said the same everywhere. */
export const HOST_URL_NOTE = 'The host is --url, else the MESH_URL setting, else http://localhost:$PORT (PORT defaults to 7071).';

const URL_OPTION = { type: 'string', value: 'URL', description: 'the running host (default: MESH_URL, else http://localhost:$PORT)' } as const;
const CONTRACTS_OPTION = { type: 'string', value: 'MODULE', description: 'the data product module (default: MESH_CONTRACTS, else contracts/telecom)' } as const;

export const START = command({
  name: 'meshgraph start',
  synopsis: '[options]',
  summary: 'build both apps and run them in the local host',
  about:
    'Builds dist/hot and dist/cold in the current folder from the data product MESH_CONTRACTS names,\nthen serves them on http://localhost:$PORT until Ctrl-C (Azurite starts by itself).',
  options: {
    app: { type: 'string', value: 'APP', choices: ['hot', 'cold', 'all'], description: 'the app to serve: hot, cold or all (default all)' },
    port: { type: 'string', value: 'N', description: 'the port (default: PORT, else 7071; 0 picks a free one)' },
    store: {
      type: 'string',
      value: 'STORE',
      choices: HOST_STORE_KINDS,
      description:
        'entity state and queues: sqlite (a file in MESH_DATA_DIR), azurite\n(Azurite tables, as in Azure) or memory (default: MESH_STORE, else sqlite)',
    },
    'no-build': { type: 'boolean', description: 'serve what dist/ holds (e.g. right after meshgraph build)' },
  },
});

export const BUILD = command({
  name: 'meshgraph build',
  synopsis: '',
  summary: 'bundle dist/hot and dist/cold (esbuild), each with its host.json and package.json',
  about: 'Writes dist/hot and dist/cold in the current folder, with the data product MESH_CONTRACTS names.',
  options: {},
});

export const CONTRACTS_BUILD = command({
  name: 'meshgraph contracts build',
  synopsis: '--out DIR [options]',
  summary: 'compile the data product: GraphQL SDL, search mappings, JSON Schemas',
  about:
    "Type-checks a TypeScript product first (as tsc would: exit 2 listing each error's file:line), then writes\nschema.graphql, elasticsearch/<type>.json, jsonschema/*.json, contract.json (the model, for later\nchecks) and records.md (the columns of each source record) to DIR.",
  options: {
    out: { type: 'string', value: 'DIR', required: true, description: 'where to write the build' },
    contracts: CONTRACTS_OPTION,
  },
});

export const CONTRACTS_CHECK = command({
  name: 'meshgraph contracts check',
  synopsis: '--base DIR [options]',
  summary: 'compare with an earlier build: exit 1 listing each breaking change',
  about:
    'Type-checks a TypeScript product first, then compares it with the build in DIR: exit 1 listing each\nbreaking change, 0 listing the compatible ones, and names each type whose search index needs a reindex.',
  options: {
    base: { type: 'string', value: 'DIR', required: true, description: 'the earlier build (meshgraph contracts build --out DIR)' },
    out: { type: 'string', value: 'DIR', description: 'also write the new build there' },
    contracts: CONTRACTS_OPTION,
  },
});

export const DEMO_RUN = command({
  name: 'meshgraph demo',
  synopsis: '[options]',
  summary: 'send the demo data to a running host, wait until it is searchable, print example queries',
  about: 'Sends the demo data to a running host (start one with `npm start`), waits until it is applied and\nsearchable, and prints example queries.',
  options: {
    customers: { type: 'string', value: 'N', description: 'root entities, each with its whole neighbourhood (default 1000: ~11k events)' },
    seed: { type: 'string', value: 'S', description: 'the same seed gives the same data (default 1)' },
    url: URL_OPTION,
  },
  notes: HOST_URL_NOTE,
});

export const DEMO_GENERATE = command({
  name: 'meshgraph demo generate',
  synopsis: '[options]',
  summary: 'deterministic demo events (NDJSON) or source files (CSV) for the data product',
  about:
    'Writes demo events for the data product as NDJSON, or its source records as CSV files (one per record\ntype, the columns its mapping reads: what meshgraph ingest sends); progress goes to stderr.',
  options: {
    customers: { type: 'string', value: 'N', description: 'root entities to generate, each with its whole neighbourhood (default 1000)' },
    seed: { type: 'string', value: 'S', description: 'the same seed gives the same events (default 1)' },
    out: { type: 'string', value: 'FILE|-|DIR', description: 'NDJSON destination (default -, stdout); with --format csv, the folder to write' },
    format: {
      type: 'string',
      value: 'FORMAT',
      choices: ['ndjson', 'csv'],
      description: 'ndjson (default), or csv: <record>.csv per record type in the --out folder',
    },
    canonical: { type: 'boolean', description: 'canonical meshgraph.* events (mapped by the contracts) instead of source records' },
    contracts: CONTRACTS_OPTION,
  },
});

const STAGE_OPTION = { type: 'string', value: 'S', description: 'only letters of that stage: ingest, trigger, actor or projection' } as const;
const SOURCE_OPTION = { type: 'string', value: 'S', description: 'only letters from that source' } as const;

export const DEADLETTERS_LIST = command({
  name: 'meshgraph deadletters list',
  synopsis: '[options]',
  summary: 'rejected events with their reasons (from AzureWebJobsStorage)',
  options: {
    top: { type: 'string', value: 'N', description: 'the newest N (default 50)' },
    stage: STAGE_OPTION,
    source: SOURCE_OPTION,
    json: { type: 'boolean', description: 'one JSON object per line' },
  },
});

export const DEADLETTERS_REPLAY = command({
  name: 'meshgraph deadletters replay',
  synopsis: '--all [--stage S] [--source S] | --id ID ... [options]',
  summary: 'send rejected events again to a running host (after fixing the cause)',
  about:
    'Sends dead letters again to the host: a sent letter leaves the store, one rejected again comes\nback with its new reason; letters of stages actor and projection hold no event and are skipped.',
  options: {
    all: { type: 'boolean', description: 'every dead letter (or those --stage and --source select)' },
    id: { type: 'string', value: 'ID', multiple: true, description: "a dead letter's id (see meshgraph deadletters list); repeat for more" },
    stage: STAGE_OPTION,
    source: SOURCE_OPTION,
    url: URL_OPTION,
  },
  notes: HOST_URL_NOTE,
});

export const REINDEX = command({
  name: 'meshgraph reindex',
  synopsis: '[options]',
  summary: 'rebuild the search index from the actors, with no downtime',
  about: "Asks a running host's cold app to rebuild the search index from the actors (as a local admin).",
  options: {
    type: { type: 'string', value: 'T', description: 'one node type (default: every type)' },
    url: URL_OPTION,
  },
  notes: HOST_URL_NOTE,
});

export const INGEST = command({
  name: 'meshgraph ingest',
  synopsis: 'FILE --source S [options]',
  summary: "send an .xlsx, .csv or .ndjson file's rows as the source's events",
  about:
    "Sends a file's rows as the source's native events; exit 1 when a row was rejected.\nFILE is .xlsx, .csv, .tsv, .ndjson or .jsonl; the first row of a sheet or CSV names the columns.",
  positionals: ['FILE'],
  options: {
    source: { type: 'string', value: 'S', required: true, description: 'the source system that owns the rows (a source of the contracts, e.g. crm)' },
    type: { type: 'string', value: 'T', description: 'its record (customer or crm.customer.row); default: from the file name,\nor its only record' },
    sheet: { type: 'string', value: 'NAME', description: 'the sheet of a workbook; default: one named after the record, else the first' },
    key: { type: 'string', value: 'COLUMN', description: "the column identifying a row; default: the record's first required field" },
    delimiter: { type: 'string', value: 'C', description: 'the CSV field delimiter (default , and a tab for .tsv)' },
    url: { ...URL_OPTION, description: 'the running host (default: MESH_URL; else Event Hubs when EventHubConnection\nis set; else http://localhost:$PORT)' },
    batch: { type: 'string', value: 'N', description: 'events per request (default 500)' },
    concurrency: { type: 'string', value: 'N', description: 'requests in flight (default 4)' },
    'allow-rejects': { type: 'boolean', description: 'exit 0 even when rows were rejected' },
    contracts: CONTRACTS_OPTION,
  },
  notes: HOST_URL_NOTE,
});

export const CDC_POSTGRES = command({
  name: 'meshgraph cdc postgres',
  synopsis: '--url postgres://USER@HOST:PORT/DB --source S (--publication P --slot SLOT | --outbox [TABLE]) [options]',
  summary: "stream a Postgres database's row changes (or an outbox table) into the mesh",
  about:
    "Streams a Postgres database's row changes (logical replication, pgoutput) into the mesh until\nCtrl-C, or publishes and marks the rows of a transactional outbox table.",
  options: {
    url: { type: 'string', value: 'postgres://...', required: true, description: 'the database' },
    source: { type: 'string', value: 'S', required: true, description: 'the source system that owns its rows' },
    publication: { type: 'string', value: 'P', description: "logical replication: every published table's row changes" },
    slot: {
      type: 'string',
      value: 'SLOT',
      description: 'the replication slot, created if missing (with a snapshot of the rows\nalready there unless --no-snapshot)',
    },
    table: {
      type: 'string',
      value: 'TABLE=RECORD',
      multiple: true,
      description: "the record a table's rows are (default <source>.<table>.row, singular\nor plural); repeat for more",
    },
    'no-snapshot': { type: 'boolean', description: 'do not read the rows already there when the slot is created' },
    outbox: { type: 'string', value: 'TABLE', optionalValue: true, description: 'publish and mark the rows of an outbox table (default "outbox") instead' },
    mesh: { ...URL_OPTION, description: 'the running host (default: MESH_URL; else Event Hubs when EventHubConnection\nis set; else http://localhost:$PORT)' },
    batch: { type: 'string', value: 'N', description: 'events per request' },
    concurrency: { type: 'string', value: 'N', description: 'requests in flight (default 4)' },
    contracts: CONTRACTS_OPTION,
  },
  notes: 'The host is --mesh, else the MESH_URL setting, else http://localhost:$PORT (PORT defaults to 7071).',
});

export const QUERIES_REGISTER = command({
  name: 'meshgraph queries register',
  synopsis: 'FILE.graphql [options]',
  summary: 'register GraphQL operations (the safelist; persisted queries by hash)',
  about: "Stores the named operations of FILE.graphql as the hot app's registered operations (in\nAzureWebJobsStorage) and prints each one's hash.",
  positionals: ['FILE.graphql'],
  options: {
    out: { type: 'string', value: 'FILE', description: 'also write a manifest of them (name, sha256Hash, query)' },
    contracts: CONTRACTS_OPTION,
  },
});

export const COMMANDS: Readonly<Record<string, CommandSpec | CommandGroup>> = {
  start: START,
  build: BUILD,
  contracts: {
    name: 'meshgraph contracts',
    summary: 'compile the data product, or check it against an earlier build',
    subcommands: { build: CONTRACTS_BUILD, check: CONTRACTS_CHECK },
  },
  demo: { name: 'meshgraph demo', summary: DEMO_RUN.summary, fallback: DEMO_RUN, subcommands: { generate: DEMO_GENERATE }, aliases: { run: DEMO_RUN } },
  deadletters: {
    name: 'meshgraph deadletters',
    summary: 'rejected events with their reasons; send them again',
    subcommands: { list: DEADLETTERS_LIST, replay: DEADLETTERS_REPLAY },
  },
  reindex: REINDEX,
  ingest: INGEST,
  cdc: { name: 'meshgraph cdc', summary: CDC_POSTGRES.summary, subcommands: { postgres: CDC_POSTGRES } },
  queries: { name: 'meshgraph queries', summary: QUERIES_REGISTER.summary, subcommands: { register: QUERIES_REGISTER } },
};

export function isGroup(entry: CommandSpec | CommandGroup): entry is CommandGroup {
  return 'subcommands' in entry;
}

/** `meshgraph --help`: every command with its line. */
export function mainUsage(): string {
  const specs = Object.values(COMMANDS).flatMap((c) => (isGroup(c) ? [...(c.fallback ? [c.fallback] : []), ...Object.values(c.subcommands)] : [c]));
  const lines = specs.map((s) => {
    const words = `  ${s.name.replace(/^meshgraph /, '')}${s.positionals ? ` ${s.positionals.join(' ')}` : ''}`;
    return words.length < 28 ? words.padEnd(28) + s.summary : `${words}\n${' '.repeat(28)}${s.summary}`;
  });
  return `usage: meshgraph <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nmeshgraph <command> --help prints a command's options.\n${HOST_URL_NOTE}\n`;
}
