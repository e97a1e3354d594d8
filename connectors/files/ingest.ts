// `meshgraph ingest FILE --source S`: a file's rows as source-native events, sent in batches;
// every row is counted as accepted or rejected with its reason (a row that cannot be read is
// rejected here, naming its row and column; the host rejects what the contracts refuse).
import path from 'node:path';
import type { CompiledDataProduct } from '../../core/contracts';
import { Pipeline, type EventSink } from '../publish';
import { rowProgress, type ProgressStream } from '../../core/progress';
import { recordName, resolveRecord } from '../records';
import { planFile, rowProblem, rowToEvent, type FilePlan } from './mapping';
import { openSourceFile } from './source';

export interface IngestFileOptions {
  file: string;
  source: string;
  /** Record name or type (`customer`, `crm.customer.row`); default from the file name or the source's only record. */
  type?: string;
  sheet?: string;
  key?: string;
  delimiter?: string;
  product: CompiledDataProduct;
  sink: EventSink;
  progress?: ProgressStream;
  batchEvents?: number;
  concurrency?: number;
}

export interface IngestSummary {
  file: string;
  sheet?: string;
  recordType: string;
  target: string;
  /** Data rows read. */
  rows: number;
  sent: number;
  accepted: number;
  rejected: number;
  /** The first reasons (up to 20), each naming its row. */
  reasons: string[];
  seconds: number;
}

const KEPT_REASONS = 20;

export async function ingestFile(options: IngestFileOptions): Promise<IngestSummary> {
  const started = performance.now();
  const hint = path.basename(options.file, path.extname(options.file));
  const record = resolveRecord(options.product.model, options.source, options.type, hint);
  const source = openSourceFile(options.file, {
    recordName: recordName(record),
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
  });
  const label = `${path.basename(options.file)}${source.sheet ? ` [${source.sheet}]` : ''}`;
  const progress = options.progress ? rowProgress(label, source.size, options.progress) : undefined;
  const summary: IngestSummary = {
    file: options.file,
    ...(source.sheet ? { sheet: source.sheet } : {}),
    recordType: record.type,
    target: options.sink.target,
    rows: 0,
    sent: 0,
    accepted: 0,
    rejected: 0,
    reasons: [],
    seconds: 0,
  };
  const reject = (reason: string) => {
    summary.rejected++;
    if (summary.reasons.length < KEPT_REASONS) summary.reasons.push(reason);
  };
  const pipeline = new Pipeline<string>(options.sink, {
    ...(options.batchEvents !== undefined ? { batchEvents: options.batchEvents } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    onResult: (refs, result) => {
      summary.accepted += result.accepted;
      for (const r of result.rejected) reject(`${refs[r.index] ?? `event ${r.index}`}: ${r.reason}`);
    },
  });
  const plan = (): FilePlan =>
    planFile({
      source: options.source,
      record,
      file: options.file,
      mtimeMs: source.mtimeMs,
      ...(options.key !== undefined ? { key: options.key } : {}),
      ...(source.columns ? { columns: source.columns } : {}),
    });
  // Planned at the first readable row, once the columns are known (a header, or an NDJSON file's
  // first object): a file without a column the record requires stops here, before any row is sent.
  let filePlan: FilePlan | undefined;
  for await (const row of source.rows) {
    if (row.problem === undefined) filePlan ??= plan();
    summary.rows++;
    const mapped = filePlan ? rowToEvent(filePlan, row) : { ok: false as const, reason: rowProblem(path.basename(options.file), row) };
    if (!mapped.ok) reject(mapped.reason);
    else {
      summary.sent++;
      await pipeline.add(mapped.event, `${path.basename(options.file)} ${row.at}`);
    }
    progress?.(source.bytesRead(), summary);
  }
  filePlan ??= plan(); // a file with a header and no readable row is still checked
  await pipeline.drain();
  summary.seconds = (performance.now() - started) / 1000;
  progress?.(source.size, summary, true);
  return summary;
}

export function formatSummary(s: IngestSummary): string {
  const rate = Math.round(s.rows / Math.max(s.seconds, 0.001));
  const lines = [
    `${path.basename(s.file)}${s.sheet ? ` [${s.sheet}]` : ''} as ${s.recordType} to ${s.target}: ${s.rows} rows read, ${s.sent} sent, ${s.accepted} accepted, ${s.rejected} rejected in ${s.seconds.toFixed(1)} s (${rate} rows/s)`,
    ...s.reasons.map((r) => `  rejected: ${r}`),
    ...(s.rejected > s.reasons.length ? [`  ... and ${s.rejected - s.reasons.length} more (npx meshgraph deadletters list shows those the host kept)`] : []),
  ];
  return lines.join('\n') + '\n';
}
