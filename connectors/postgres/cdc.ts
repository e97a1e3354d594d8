// `meshgraph cdc postgres`: change data capture with logical replication (pgoutput). A published
// table's every row change becomes one source-native event; the slot's confirmed position moves
// only past transactions whose events the host (or the Event Hub) accepted, so a crash replays
// rather than loses (the replayed events keep their ids: no-ops). A new slot exports a snapshot,
// and the rows already in the tables are read in that snapshot first (as `c` changes at the
// slot's consistent point), so snapshot and stream neither overlap nor leave a gap.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import type { CompiledDataProduct } from '../../core/contracts';
import { Pipeline, type EventSink } from '../publish';
import { ConnectorError } from '../records';
import { changeSequence, formatLsn, parseLsn } from './lsn';
import { changeEvent, planTables, type Op, type TablePlan } from './tables';

export interface CdcOptions {
  /** postgres://user@host:port/db */
  url: string;
  publication: string;
  slot: string;
  source: string;
  product: CompiledDataProduct;
  sink: EventSink;
  /** `table=record` overrides. */
  tables?: Record<string, string>;
  /** Read the rows already there when the slot is created (default true). */
  snapshot?: boolean;
  /** Where the run remembers whether a slot's snapshot was completed. */
  stateDir: string;
  log(line: string): void;
  signal?: AbortSignal;
  batchEvents?: number;
  concurrency?: number;
  /** Every confirmed position (tests and benchmarks wait on it). */
  onConfirmed?(lsn: string, stats: CdcStats): void;
}

export interface CdcStats {
  snapshotRows: number;
  changes: number;
  accepted: number;
  rejected: number;
  confirmedLsn?: string;
}

interface SlotState {
  slot: string;
  consistentPoint: string;
  snapshotDone: boolean;
}

const FLUSH_AFTER_MS = 20;
const KEPT_REASONS = 20;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function publishedTables(client: Client, publication: string): Promise<Array<{ schema: string; name: string }>> {
  const exists = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [publication]);
  if (exists.rowCount === 0)
    throw new ConnectorError(`publication "${publication}" does not exist; create it with CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ...`);
  const { rows } = await client.query<{ schemaname: string; tablename: string }>(
    'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2',
    [publication],
  );
  if (rows.length === 0) throw new ConnectorError(`publication "${publication}" publishes no table`);
  return rows.map((r) => ({ schema: r.schemaname, name: r.tablename }));
}

async function primaryKeys(client: Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    [table],
  );
  if (rows.length === 0) throw new ConnectorError(`table ${table} has no primary key; captured changes could not be told apart`);
  return rows.map((r) => r.attname);
}

export async function runCdc(options: CdcOptions): Promise<CdcStats> {
  const stats: CdcStats = { snapshotRows: 0, changes: 0, accepted: 0, rejected: 0 };
  const reasons: string[] = [];
  const reject = (reason: string) => {
    if (reasons.length < KEPT_REASONS) options.log(`rejected: ${reason}`);
    if (reasons.length < KEPT_REASONS) reasons.push(reason);
  };
  const { model } = options.product;
  const query = new Client({ connectionString: options.url });
  await query.connect();
  let plans: Map<string, TablePlan>;
  try {
    plans = planTables(model, options.source, await publishedTables(query, options.publication), options.tables);
    for (const plan of plans.values()) plan.keys = await primaryKeys(query, plan.table);
  } catch (err) {
    await query.end();
    throw err;
  }

  // The sequence a sent event carries, and the log position its transaction ends at.
  const pipeline = new Pipeline<string>(options.sink, {
    ...(options.batchEvents !== undefined ? { batchEvents: options.batchEvents } : {}),
    concurrency: options.concurrency ?? 4,
    onResult: (refs, result) => {
      stats.accepted += result.accepted;
      stats.rejected += result.rejected.length;
      for (const r of result.rejected) reject(`${refs[r.index]}: ${r.reason}`);
    },
    onMark: async (lsn) => {
      // Confirmed only if the server heard it; a stopped stream confirms it next run instead.
      if (!(await service?.acknowledge(formatLsn(lsn)))) return;
      stats.confirmedLsn = formatLsn(lsn);
      options.onConfirmed?.(stats.confirmedLsn, stats);
    },
    onFailure: (err) => onPipelineFailure(err),
  });
  let onPipelineFailure: (err: unknown) => void = () => {};
  /** An event for a change; a row the contract cannot read is sent as it is, for the host to dead-letter with its reason. */
  const send: Send = async (plan, op, row, sequence) => {
    const { event, problem } = changeEvent(options.source, plan, op, row, sequence);
    if (problem) options.log(`cannot read ${problem}; sent as it is (the host keeps it as a dead letter)`);
    await pipeline.add(event, `${plan.table} ${op} at ${sequence}`);
  };

  let service: LogicalReplicationService | undefined;
  try {
    stats.confirmedLsn = await ensureSlotAndSnapshot(options, query, plans, stats, send, pipeline);
    if (options.signal?.aborted) return stats;
    await untilSlotFree(query, options.slot);
    await query.end().catch(() => {});
    service = new LogicalReplicationService(
      { connectionString: options.url },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
    await stream(options, service, plans, stats, send, pipeline, (f) => (onPipelineFailure = f));
    return { ...stats };
  } finally {
    await query.end().catch(() => {});
    await service?.stop().catch(() => {});
    if (reasons.length < stats.rejected) options.log(`... ${stats.rejected - reasons.length} more rejected (npx meshgraph deadletters list)`);
  }
}

/**
 * A slot serves one connection at a time; the server process of a run that just stopped (or
 * crashed) may hold it a moment longer.
 */
async function untilSlotFree(query: Client, slot: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await query.query<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    const pid = rows[0]?.active_pid;
    if (!pid) return;
    if (Date.now() > until)
      throw new ConnectorError(`replication slot "${slot}" is in use by another connection (server process ${pid}); is another connector running?`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Send = (plan: TablePlan, op: Op, row: Record<string, unknown>, sequence: string) => Promise<void>;

/** Makes sure the slot exists (with its snapshot sent); answers the position streaming starts from. */
async function ensureSlotAndSnapshot(
  options: CdcOptions,
  query: Client,
  plans: Map<string, TablePlan>,
  stats: CdcStats,
  send: Send,
  pipeline: Pipeline<string>,
): Promise<string> {
  const stateFile = path.join(options.stateDir, `${options.slot}.json`);
  const state = fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SlotState) : undefined;
  const existing = await query.query<{ plugin: string; confirmed_flush_lsn: string | null }>(
    'SELECT plugin, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1',
    [options.slot],
  );
  const slot = existing.rows[0];
  if (slot && slot.plugin !== 'pgoutput')
    throw new ConnectorError(`replication slot "${options.slot}" uses the ${slot.plugin} plugin; meshgraph needs pgoutput (choose another --slot)`);
  if (slot && state && !state.snapshotDone) {
    // A run created this slot and stopped during its snapshot: start over (what was sent repeats as no-ops).
    options.log(`slot ${options.slot}: the snapshot of an earlier run did not finish; dropping the slot to take it again`);
    await query.query('SELECT pg_drop_replication_slot($1)', [options.slot]);
  } else if (slot) {
    options.log(`slot ${options.slot}: resuming at ${slot.confirmed_flush_lsn}`);
    return slot.confirmed_flush_lsn ?? '0/0';
  }
  const replication = new Client({ connectionString: options.url, replication: 'database' } as ConstructorParameters<typeof Client>[0]);
  await replication.connect();
  try {
    const created = await replication.query<{ consistent_point: string; snapshot_name: string | null }>(
      `CREATE_REPLICATION_SLOT ${quoteIdent(options.slot)} LOGICAL pgoutput ${options.snapshot === false ? 'NOEXPORT_SNAPSHOT' : 'EXPORT_SNAPSHOT'}`,
    );
    const { consistent_point: point, snapshot_name: snapshot } = created.rows[0]!;
    options.log(`slot ${options.slot}: created at ${point}`);
    fs.mkdirSync(options.stateDir, { recursive: true });
    const write = (s: SlotState) => fs.writeFileSync(stateFile, JSON.stringify(s));
    if (options.snapshot === false || !snapshot) {
      write({ slot: options.slot, consistentPoint: point, snapshotDone: true });
      return point;
    }
    write({ slot: options.slot, consistentPoint: point, snapshotDone: false });
    // The exported snapshot is the database exactly at the slot's start: read every table in it.
    const sequence = changeSequence(parseLsn(point), 0);
    await query.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await query.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    for (const plan of plans.values()) {
      const [schema, table] = plan.table.split('.') as [string, string];
      const cursor = `snap_${stats.snapshotRows}_${plans.size}`;
      await query.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT * FROM ${quoteIdent(schema)}.${quoteIdent(table)}`);
      for (;;) {
        const { rows } = await query.query<Record<string, unknown>>(`FETCH 1000 FROM ${cursor}`);
        for (const row of rows) {
          stats.snapshotRows++;
          await send(plan, 'c', row, sequence);
        }
        if (rows.length < 1000 || options.signal?.aborted) break;
      }
      await query.query(`CLOSE ${cursor}`);
      if (options.signal?.aborted) break;
    }
    await query.query('COMMIT');
    await pipeline.drain();
    if (options.signal?.aborted) return point;
    write({ slot: options.slot, consistentPoint: point, snapshotDone: true });
    options.log(`slot ${options.slot}: snapshot of ${stats.snapshotRows} rows sent`);
    return point;
  } finally {
    await replication.end().catch(() => {});
  }
}

async function stream(
  options: CdcOptions,
  service: LogicalReplicationService,
  plans: Map<string, TablePlan>,
  stats: CdcStats,
  send: Send,
  pipeline: Pipeline<string>,
  setPipelineFailure: (f: (err: unknown) => void) => void,
): Promise<void> {
  let commitLsn = 0n;
  let position = 0;
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;
  const fail = (err: unknown) => {
    failure ??= err;
    void service.stop();
  };
  setPipelineFailure(fail);
  const flushSoon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      pipeline.flush().catch(fail);
    }, FLUSH_AFTER_MS);
  };
  service.on('data', async (_lsn: string, message: Pgoutput.Message) => {
    try {
      switch (message.tag) {
        case 'begin':
          commitLsn = parseLsn(message.commitLsn ?? '0/0');
          position = 0;
          return;
        case 'insert':
        case 'update':
        case 'delete': {
          const table = `${message.relation.schema}.${message.relation.name}`;
          const plan = plans.get(table);
          if (!plan) throw new ConnectorError(`a change to table ${table}, which was not published when the run started; restart the connector to map it`);
          const op: Op = message.tag === 'insert' ? 'c' : message.tag === 'update' ? 'u' : 'd';
          const row = message.tag === 'delete' ? (message.key ?? message.old ?? {}) : message.new;
          stats.changes++;
          await send(plan, op, { ...row }, changeSequence(commitLsn, position++));
          return;
        }
        case 'truncate':
          options.log(
            `TRUNCATE of ${message.relations.map((r) => `${r.schema}.${r.name}`).join(', ')} is not captured: rows are not listed, so the graph keeps their nodes (delete the rows instead)`,
          );
          return;
        case 'commit':
          pipeline.mark(parseLsn(message.commitEndLsn ?? '0/0'));
          flushSoon();
          return;
        default:
          return;
      }
    } catch (err) {
      fail(err);
    }
  });
  // The server asks for a reply now and then: report only what is confirmed, never what was merely received.
  service.on('heartbeat', async (_lsn: string, _ts: number, shouldRespond: boolean) => {
    if (shouldRespond && stats.confirmedLsn) await service.acknowledge(stats.confirmedLsn).catch(fail);
  });
  service.on('error', fail);
  const stop = () => void service.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await service.subscribe(new PgoutputPlugin({ protoVersion: 1, publicationNames: [options.publication] }), options.slot);
  } catch (err) {
    if (!options.signal?.aborted) fail(err);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (timer) clearTimeout(timer);
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  // Stopped on request: answers still in flight are counted, but the stream is closed, so their positions are confirmed next run.
  await pipeline.drain().catch(() => {});
}
