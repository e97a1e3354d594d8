// `meshgraph cdc postgres --url postgres://... --publication P --slot S --source S`: streams a
// Postgres database's row changes (logical replication, pgoutput) into the mesh until Ctrl-C;
// `--outbox [TABLE]` publishes a transactional outbox table instead (connectors/postgres).
import path from 'node:path';
import { loadConfig } from '../core/config';
import { runCdc } from '../connectors/postgres/cdc';
import { runOutbox } from '../connectors/postgres/outbox';
import { ConnectorError } from '../connectors/records';
import { chooseSink } from '../connectors/sink';
import { UsageError, wholeNumber, type CommandIO, type Parsed } from './args';
import { CDC_POSTGRES } from './commands';
import { checkHost, connectorHostUrl } from './host-url';
import { loadProduct } from './product';

export async function cdcCommand({ values }: Parsed<typeof CDC_POSTGRES>, _io: CommandIO): Promise<number> {
  const usage = (message: string) => new UsageError(message, CDC_POSTGRES.name);
  const { url, source, publication, slot } = values;
  const outbox = values.outbox !== undefined;
  if (!outbox && (!publication || !slot)) throw usage('name --publication and --slot (logical replication), or --outbox');
  if (outbox && (publication || slot)) throw usage('--outbox or --publication/--slot, not both');
  const tables: Record<string, string> = {};
  for (const a of values.table) {
    const [table, record, ...more] = a.split('=');
    if (!table || !record || more.length > 0) throw usage(`--table takes TABLE=RECORD, not "${a}"`);
    tables[table] = record;
  }
  const concurrency = values.concurrency === undefined ? 4 : wholeNumber(values.concurrency, 'concurrency', 1, CDC_POSTGRES.name);
  const batch = values.batch === undefined ? undefined : wholeNumber(values.batch, 'batch', 1, CDC_POSTGRES.name);
  const host = connectorHostUrl(values.mesh, CDC_POSTGRES.name, '--mesh');
  if (host) await checkHost(host);
  const product = await loadProduct(values.contracts);
  const sink = chooseSink(product, host?.url, concurrency);
  const stop = new AbortController();
  const onSignal = () => {
    process.stderr.write('\nstopping: confirming what was accepted …\n');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let last = 0;
  try {
    if (outbox) {
      const stats = await runOutbox({
        url,
        source,
        sink,
        log,
        signal: stop.signal,
        ...(values.outbox ? { table: values.outbox } : {}),
        ...(batch ? { batch } : {}),
        onPublished: (s) => {
          if (Date.now() - last > 10_000) ((last = Date.now()), log(`outbox: ${s.published} published, ${s.accepted} accepted, ${s.rejected} rejected`));
        },
      });
      process.stdout.write(`outbox: ${stats.published} rows published (${stats.accepted} accepted, ${stats.rejected} rejected)\n`);
      return 0;
    }
    log(`capturing publication ${publication} through slot ${slot} into ${sink.target} (Ctrl-C stops)`);
    const stats = await runCdc({
      url,
      source,
      product,
      sink,
      log,
      signal: stop.signal,
      concurrency,
      tables,
      publication: publication!,
      slot: slot!,
      snapshot: !values['no-snapshot'],
      stateDir: path.join(loadConfig(process.env).dataDir, 'cdc'),
      ...(batch ? { batchEvents: batch } : {}),
      onConfirmed: (lsn, s) => {
        if (Date.now() - last > 10_000)
          ((last = Date.now()),
            log(`cdc: ${s.snapshotRows} snapshot rows, ${s.changes} changes, ${s.accepted} accepted, ${s.rejected} rejected; confirmed ${lsn}`));
      },
    });
    process.stdout.write(
      `cdc: ${stats.snapshotRows} snapshot rows and ${stats.changes} changes sent, ${stats.accepted} accepted, ${stats.rejected} rejected; confirmed up to ${stats.confirmedLsn ?? '-'}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ConnectorError || (err as { code?: string }).code !== undefined) {
      process.stderr.write(`meshgraph cdc: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await sink.close();
  }
}
