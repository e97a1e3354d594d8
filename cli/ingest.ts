// `meshgraph ingest FILE --source S [--type T]`: sends a spreadsheet, CSV or NDJSON file's rows as
// the source's native events (connectors/files). Exit 1 when a row was rejected (unless
// --allow-rejects), 2 on bad usage.
import { ingestFile, formatSummary } from '../connectors/files/ingest';
import { ConnectorError } from '../connectors/records';
import { SourceFileError } from '../connectors/files/rows';
import { chooseSink } from '../connectors/sink';
import { wholeNumber, type CommandIO, type Parsed } from './args';
import { INGEST } from './commands';
import { checkHost, connectorHostUrl } from './host-url';
import { loadProduct } from './product';

export async function ingestCommand({ values, positionals }: Parsed<typeof INGEST>, io: CommandIO): Promise<number> {
  const batch = values.batch === undefined ? undefined : wholeNumber(values.batch, 'batch', 1, INGEST.name);
  const concurrency = values.concurrency === undefined ? 4 : wholeNumber(values.concurrency, 'concurrency', 1, INGEST.name);
  const host = connectorHostUrl(values.url, INGEST.name);
  if (host) await checkHost(host); // before a row is read: no progress claims rows were sent
  const product = await loadProduct(values.contracts);
  const sink = chooseSink(product, host?.url, concurrency);
  try {
    const summary = await ingestFile({
      file: positionals[0]!,
      source: values.source,
      product,
      sink,
      progress: process.stderr,
      concurrency,
      ...(batch !== undefined ? { batchEvents: batch } : {}),
      ...(values.type !== undefined ? { type: values.type } : {}),
      ...(values.sheet !== undefined ? { sheet: values.sheet } : {}),
      ...(values.key !== undefined ? { key: values.key } : {}),
      ...(values.delimiter !== undefined ? { delimiter: values.delimiter } : {}),
    });
    io.out(formatSummary(summary));
    return summary.rejected > 0 && !values['allow-rejects'] ? 1 : 0;
  } catch (err) {
    if (err instanceof ConnectorError || err instanceof SourceFileError) {
      io.err(`\nmeshgraph ingest: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await sink.close();
  }
}
