// `meshgraph cdc postgres --url postgres://... --publication P --slot S --source S`: streams a
// Postgres database's row changes (logical replication, pgoutput) into the mesh until Ctrl-C;
// `--outbox [TABLE]` publishes a transactional outbox table instead (connectors/postgres).
import path from 'node:path';
import { loadConfig } from '../core/config';
import { contractsModuleSetting, loadDataProduct } from '../core/contracts';
import { runCdc } from '../connectors/postgres/cdc';
import { runOutbox } from '../connectors/postgres/outbox';
import { ConnectorError } from '../connectors/records';
import { chooseSink } from '../connectors/sink';
import { option } from './args';

const USAGE = `usage: meshgraph cdc postgres --url postgres://USER@HOST:PORT/DB --source S
                             (--publication P --slot SLOT [--table TABLE=RECORD ...] [--no-snapshot] | --outbox [TABLE])
                             [--mesh URL] [--batch N] [--concurrency N] [--contracts MODULE]
  --publication, --slot   logical replication: every published table's row changes, the slot created
                          if missing (with a snapshot of the rows already there unless --no-snapshot)
  --table                 the record a table's rows are (default <source>.<table>.row, singular or plural)
  --outbox                publish and mark the rows of an outbox table (default "outbox") instead
  --mesh                  the host (default http://localhost:7071); without it, EventHubConnection publishes to Event Hubs
`;

export async function cdcCommand(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  const opt = (name: string) => option(rest, name);
  const url = opt('url');
  const source = opt('source');
  const outbox = rest.includes('--outbox');
  const publication = opt('publication');
  const slot = opt('slot');
  if (kind !== 'postgres' || !url || !source || (!outbox && (!publication || !slot))) {
    process.stderr.write(USAGE);
    return 2;
  }
  const tables: Record<string, string> = {};
  for (const [i, a] of rest.entries()) {
    if (rest[i - 1] !== '--table') continue;
    const [table, record] = a.split('=');
    if (!table || !record) {
      process.stderr.write(`--table takes TABLE=RECORD, not "${a}"\n${USAGE}`);
      return 2;
    }
    tables[table] = record;
  }
  const concurrency = Number(opt('concurrency') ?? 4);
  const batch = opt('batch') === undefined ? undefined : Number(opt('batch'));
  const product = await loadDataProduct(opt('contracts') ?? contractsModuleSetting());
  const sink = chooseSink(product, opt('mesh'), concurrency);
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
      const tableArg = rest[rest.indexOf('--outbox') + 1];
      const stats = await runOutbox({ url, source, sink, log, signal: stop.signal, ...(tableArg && !tableArg.startsWith('--') ? { table: tableArg } : {}), ...(batch ? { batch } : {}), onPublished: (s) => {
        if (Date.now() - last > 10_000) (last = Date.now()), log(`outbox: ${s.published} published, ${s.accepted} accepted, ${s.rejected} rejected`);
      } });
      process.stdout.write(`outbox: ${stats.published} rows published (${stats.accepted} accepted, ${stats.rejected} rejected)\n`);
      return 0;
    }
    log(`capturing publication ${publication} through slot ${slot} into ${sink.target} (Ctrl-C stops)`);
    const stats = await runCdc({
      url, source, product, sink, log, signal: stop.signal, concurrency, tables,
      publication: publication!,
      slot: slot!,
      snapshot: !rest.includes('--no-snapshot'),
      stateDir: path.join(loadConfig(process.env).dataDir, 'cdc'),
      ...(batch ? { batchEvents: batch } : {}),
      onConfirmed: (lsn, s) => {
        if (Date.now() - last > 10_000) (last = Date.now()), log(`cdc: ${s.snapshotRows} snapshot rows, ${s.changes} changes, ${s.accepted} accepted, ${s.rejected} rejected; confirmed ${lsn}`);
      },
    });
    process.stdout.write(`cdc: ${stats.snapshotRows} snapshot rows and ${stats.changes} changes sent, ${stats.accepted} accepted, ${stats.rejected} rejected; confirmed up to ${stats.confirmedLsn ?? '-'}\n`);
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
