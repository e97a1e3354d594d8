// The transactional outbox: a service writes its domain events into a table in the same
// transaction as its data; this loop publishes the unpublished rows in id order and marks them
// (`published_at`), under FOR UPDATE SKIP LOCKED so several runners never publish a row twice at
// once. A row is marked once the host answered for it: accepted, or rejected and kept as a dead
// letter with its reason.
//
//   CREATE TABLE outbox (id bigserial PRIMARY KEY, type text NOT NULL, subject text, data jsonb,
//                        source text, event_id text, published_at timestamptz);
import { Client } from 'pg';
import type { CloudEvent } from '../../core/contracts';
import type { EventSink } from '../publish';
import { ConnectorError, stableId } from '../records';

export interface OutboxOptions {
  url: string;
  /** Default `outbox`. */
  table?: string;
  /** The source of rows whose `source` column is empty. */
  source: string;
  sink: EventSink;
  log(line: string): void;
  signal?: AbortSignal;
  batch?: number;
  pollMs?: number;
  onPublished?(stats: OutboxStats): void;
}

export interface OutboxStats {
  published: number;
  accepted: number;
  rejected: number;
}

const REQUIRED = ['id', 'type', 'subject', 'data', 'published_at'];
const OPTIONAL = ['source', 'event_id'];

function qualified(table: string): string {
  return table
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');
}

interface OutboxRow {
  id: string;
  type: string;
  subject: string | null;
  data: unknown;
  source?: string | null;
  event_id?: string | null;
}

export async function runOutbox(options: OutboxOptions): Promise<OutboxStats> {
  const table = options.table ?? 'outbox';
  const stats: OutboxStats = { published: 0, accepted: 0, rejected: 0 };
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    const { rows: cols } = await client.query<{ attname: string }>(
      'SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped',
      [table],
    );
    const names = cols.map((c) => c.attname);
    if (names.length === 0)
      throw new ConnectorError(
        `outbox table ${table} does not exist; create it: CREATE TABLE ${table} (id bigserial PRIMARY KEY, type text NOT NULL, subject text, data jsonb, source text, event_id text, published_at timestamptz)`,
      );
    const missing = REQUIRED.filter((c) => !names.includes(c));
    if (missing.length)
      throw new ConnectorError(
        `outbox table ${table} has no column ${missing.join(', ')}; it needs ${REQUIRED.join(', ')} (and may have ${OPTIONAL.join(', ')})`,
      );
    const select = ['id::text AS id', 'type', 'subject', 'data', ...OPTIONAL.filter((c) => names.includes(c))].join(', ');
    const limit = options.batch ?? 500;
    while (!options.signal?.aborted) {
      await client.query('BEGIN');
      let rows: OutboxRow[];
      try {
        ({ rows } = await client.query<OutboxRow>(
          `SELECT ${select} FROM ${qualified(table)} WHERE published_at IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
        ));
        if (rows.length > 0) {
          const events: CloudEvent[] = rows.map((r) => ({
            specversion: '1.0',
            id: r.event_id || stableId('outbox', table, r.id),
            source: r.source || options.source,
            type: r.type,
            ...(r.subject ? { subject: r.subject } : {}),
            sequence: r.id,
            ...(r.data !== null && r.data !== undefined ? { data: r.data } : {}),
          }));
          const result = await options.sink.send(
            events,
            events.map((e) => JSON.stringify(e)),
          );
          for (const rej of result.rejected) options.log(`rejected: ${table} row ${rows[rej.index]?.id}: ${rej.reason}`);
          await client.query(`UPDATE ${qualified(table)} SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
          stats.published += rows.length;
          stats.accepted += result.accepted;
          stats.rejected += result.rejected.length;
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
      if (rows.length > 0) options.onPublished?.(stats);
      if (rows.length < limit)
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, options.pollMs ?? 500);
          options.signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        });
    }
    return stats;
  } finally {
    await client.end().catch(() => {});
  }
}
