// `meshgraph ingest FILE --source S [--type T]`: sends a spreadsheet, CSV or NDJSON file's rows as
// the source's native events (connectors/files). Exit 1 when a row was rejected (unless
// --allow-rejects), 2 on bad usage.
import { contractsModuleSetting, loadDataProduct } from '../core/contracts';
import { ingestFile, formatSummary } from '../connectors/files/ingest';
import { ConnectorError } from '../connectors/records';
import { SourceFileError } from '../connectors/files/source';
import { chooseSink } from '../connectors/sink';
import { option } from './args';

const USAGE = `usage: meshgraph ingest FILE --source S [--type T] [--sheet NAME] [--key COLUMN] [--delimiter C]
                        [--url URL] [--batch N] [--concurrency N] [--allow-rejects] [--contracts MODULE]
  FILE          .xlsx, .csv, .tsv, .ndjson or .jsonl; the first row of a sheet or CSV names the columns
  --source      the source system that owns the rows (a source of the contracts, e.g. crm)
  --type        its record (customer or crm.customer.row); default: from the file name, or its only record
  --sheet       the sheet of a workbook; default: one named after the record, else the first
  --key         the column identifying a row; default: the record's first required field
  --url         the host (default http://localhost:7071); without it, EventHubConnection publishes to Event Hubs
`;

const VALUED = ['source', 'type', 'sheet', 'key', 'delimiter', 'url', 'batch', 'concurrency', 'contracts'];

export async function ingestCommand(args: string[]): Promise<number> {
  const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && VALUED.includes(args[i - 1]!.slice(2))));
  const unknown = args.filter((a) => a.startsWith('--') && !VALUED.includes(a.slice(2)) && a !== '--allow-rejects');
  const opt = (name: string) => option(args, name);
  const source = opt('source');
  if (positional.length !== 1 || !source || unknown.length > 0) {
    process.stderr.write(`${unknown.length ? `unknown option ${unknown.join(', ')}\n` : ''}${USAGE}`);
    return 2;
  }
  const numberOpt = (name: string) => (opt(name) === undefined ? undefined : Number(opt(name)));
  const batch = numberOpt('batch');
  const concurrency = numberOpt('concurrency') ?? 4;
  if ((batch !== undefined && !(batch >= 1)) || !(concurrency >= 1)) {
    process.stderr.write(`--batch and --concurrency take a positive number\n${USAGE}`);
    return 2;
  }
  const product = await loadDataProduct(opt('contracts') ?? contractsModuleSetting());
  const sink = chooseSink(product, opt('url'), concurrency);
  try {
    const summary = await ingestFile({
      file: positional[0]!,
      source,
      product,
      sink,
      progress: process.stderr,
      concurrency,
      ...(batch !== undefined ? { batchEvents: batch } : {}),
      ...Object.fromEntries((['type', 'sheet', 'key', 'delimiter'] as const).flatMap((k) => (opt(k) === undefined ? [] : [[k, opt(k)]]))),
    });
    process.stdout.write(formatSummary(summary));
    return summary.rejected > 0 && !args.includes('--allow-rejects') ? 1 : 0;
  } catch (err) {
    if (err instanceof ConnectorError || err instanceof SourceFileError) {
      process.stderr.write(`\nmeshgraph ingest: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await sink.close();
  }
}
