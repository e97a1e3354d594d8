// The meshgraph command line. Each command is loaded when it runs: `start` should not pay for
// exceljs, pg or the GraphQL schema that other commands need.

const USAGE = `usage: meshgraph <command> [options]

commands:
  start [--app hot|cold|all] [--port N] [--store azurite|memory] [--no-build]
                     build both apps and run them in the local host
  build              bundle dist/hot and dist/cold
  contracts build --out DIR | check --base DIR [--out DIR]
                     compile the data product (GraphQL SDL, search mappings, JSON Schemas);
                     check exits 1 listing breaking changes against an earlier build
  demo [--customers N] [--url URL]
                     send the demo data to a running host, wait until applied, print example queries
  demo generate [--customers N] [--seed S] [--out FILE|-] [--canonical]
                     deterministic demo events (NDJSON) for the data product
  deadletters list [--top N] [--json] | replay [--all | --id ID ...] [--url URL]
                     rejected events with their reasons; send them again to a running host
  reindex [--type T] [--url URL]
                     rebuild the search index from the actors, with no downtime
  ingest FILE --source S [--type T] [--url URL] ...
                     send an .xlsx, .csv or .ndjson file's rows as the source's events
  cdc postgres --url URL --source S --publication P --slot S | --outbox [TABLE]
                     stream a Postgres database's row changes (or an outbox table) into the mesh
  queries register FILE.graphql [--out manifest.json]
                     register GraphQL operations (the safelist; persisted queries by hash)
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: async (args) => (await import('./start')).startCommand(args),
  contracts: async (args) => (await import('./contracts')).contractsCommand(args),
  demo: async (args) => (args[0] === 'generate' || args[0] === 'help' ? (await import('./demo')).demoCommand(args) : (await import('./demo-run')).demoRunCommand(args[0] === 'run' ? args.slice(1) : args)),
  deadletters: async (args) => (await import('./deadletters')).deadLettersCommand(args),
  reindex: async (args) => (await import('./reindex')).reindexCommand(args),
  ingest: async (args) => (await import('./ingest')).ingestCommand(args),
  cdc: async (args) => (await import('./cdc')).cdcCommand(args),
  queries: async (args) => (await import('./queries')).queriesCommand(args),
  build: async () => {
    const { buildApps } = await import('./build');
    for (const a of await buildApps()) process.stdout.write(`dist/${a.name}/main.js  ${(a.bytes / 1024).toFixed(1)} KB\n`);
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`meshgraph: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`meshgraph: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
