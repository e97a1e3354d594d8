// `meshgraph demo` (npm run demo): generates the demo data, sends it to a running host with a
// progress bar, waits until the actors have applied and projected it, then prints example
// queries and the GraphiQL address. The first thing a new user runs after `npm start`.
import { createDemoGenerator } from '../core/demo/generate';
import { demoProgress } from '../core/progress';
import { isDemoScenario } from '../core/demo/scenario';
import { HttpSink, Pipeline } from '../connectors/publish';
import { wholeNumber, type CommandIO, type Parsed } from './args';
import { DEMO_RUN } from './commands';
import { checkHost, hostUrl } from './host-url';
import { loadProduct } from './product';
import { demoRootType, exampleQueries, firstRootQuery } from './demo-queries';

interface HostStatus {
  pendingOperations?: number;
  running?: number;
}

/** The local host's own status (/admin/host/status); undefined elsewhere (Azure wants a master key). */
async function hostStatus(url: string): Promise<HostStatus | undefined> {
  try {
    const res = await fetch(`${url}/admin/host/status`);
    return res.ok ? ((await res.json()) as HostStatus) : undefined;
  } catch {
    return undefined;
  }
}

async function graphql(url: string, query: string): Promise<any> {
  const res = await fetch(`${url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return res.json();
}

/** Waits until the host has no queued or running entity work, with a line of progress. */
async function settle(url: string, out: NodeJS.WriteStream): Promise<void> {
  let peak = 0;
  for (let quiet = 0; quiet < 3;) {
    const h = await hostStatus(url);
    if (h?.pendingOperations === undefined) return; // not the local host: nothing to watch
    const pending = h.pendingOperations + (h.running ?? 0);
    peak = Math.max(peak, pending);
    quiet = pending === 0 ? quiet + 1 : 0;
    if (out.isTTY) out.write(`\rapplying: ${pending.toLocaleString('en-US')} entity operations to go, peak ${peak.toLocaleString('en-US')}${' '.repeat(10)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (out.isTTY) out.write('\rapplying: done' + ' '.repeat(40) + '\n');
  else out.write(`demo: applied (peak ${peak} entity operations queued)\n`);
}

export async function demoRunCommand({ values }: Parsed<typeof DEMO_RUN>, _io: CommandIO): Promise<number> {
  const roots = wholeNumber(values.customers ?? '1000', 'customers', 1, DEMO_RUN.name);
  const seed = wholeNumber(values.seed ?? '1', 'seed', 0, DEMO_RUN.name);
  const host = hostUrl(values.url, DEMO_RUN.name);
  const url = host.url;
  await checkHost(host);
  const compiled = await loadProduct();
  const scenario = compiled.product.demo;
  if (!isDemoScenario(scenario)) {
    process.stderr.write(`meshgraph demo: the data product ${compiled.model.name} has no demo scenario\n`);
    return 1;
  }
  const label = scenario.rootLabel;
  const generator = createDemoGenerator(compiled, scenario, { roots, seed, canonical: false });
  const progress = demoProgress(roots, `${label} sent`, process.stderr);
  let accepted = 0;
  const reasons: string[] = [];
  const sink = new HttpSink(url);
  const pipeline = new Pipeline<number>(sink, {
    onResult: (_refs, result) => {
      accepted += result.accepted;
      for (const r of result.rejected) if (reasons.length < 3) reasons.push(r.reason);
    },
  });
  const started = performance.now();
  try {
    for (const batch of generator.batches()) {
      for (const event of batch) await pipeline.add(event, 0);
      progress(generator.stats.roots, generator.stats);
    }
    await pipeline.drain();
  } finally {
    await sink.close();
  }
  if (process.stderr.isTTY) process.stderr.write('\n'); // the bar already shows 100%
  const rejected = generator.stats.events - accepted;
  process.stderr.write(
    `demo: sent ${generator.stats.events} events; ${accepted} accepted, ${rejected} rejected${reasons.length ? ` (first reasons: ${reasons.join('; ')})` : ''}\n`,
  );
  await settle(url, process.stderr);
  const seconds = (performance.now() - started) / 1000;
  const root = demoRootType(compiled.model, scenario.rootType);
  const find = firstRootQuery(root);
  const sample = await graphql(url, find.query);
  const found = sample?.data?.[find.field] as { totalCount?: number; edges?: Array<{ node: Record<string, unknown> }> } | undefined;
  const first = found?.edges?.[0]?.node;
  const total = found?.totalCount ?? 0;
  const text = find.wordField ? first?.[find.wordField] : undefined;
  const word = typeof text === 'string' ? text.split(/\s+/).pop() : undefined;
  const examples = exampleQueries(root, typeof first?.id === 'string' ? first.id : `${root.name}:1`, word);
  const q = (query: string) => `curl -s ${url}/api/graphql -H 'content-type: application/json' -d '${JSON.stringify({ query }).replace(/'/g, "'\\''")}'`;
  const file = `${root.name.toLowerCase()}.svg`;
  process.stdout.write(`
meshgraph demo: ${generator.stats.nodes.toLocaleString('en-US')} nodes (${total} ${label} searchable) in ${seconds.toFixed(1)} s.

GraphiQL (open in a browser): ${url}/api/graphql

1. A ${root.name} with its fields and relations:
${q(examples.node)}

2. ${word ? 'Full-text search' : 'Search'} with facets:
${q(examples.search)}

3. The ${root.name}'s neighbourhood two hops out, drawn (cold app):
curl -s '${url}${examples.subgraphPath}' -o ${file}
`);
  return rejected > 0 ? 1 : 0;
}
