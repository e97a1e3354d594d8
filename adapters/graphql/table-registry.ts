// Registered GraphQL operations in Azure Table storage (Azurite locally), shared by every
// instance of the hot app: one row per operation, keyed by the sha256 of its text. Lookups are
// cached, misses for a short while only (a newly registered operation is seen within a minute).
import { TableClient, type TransactionAction } from '@azure/data-tables';
import type { QueryRegistry } from '../../core/graphql/persisted';
import { RecentCache } from '../../core/recent-cache';

export const QUERY_TABLE = 'meshgraphqueries';
const PARTITION = 'op';
/** Table string properties hold 32K UTF-16 units; longer texts are split. */
const CHUNK = 30_000;
const MISS_TTL_MS = 60_000;

export class TableQueryRegistry implements QueryRegistry {
  private readonly client: TableClient;
  private ready: Promise<unknown> | undefined;
  private readonly known = new RecentCache<string, string>(10_000);
  private readonly misses = new RecentCache<string, number>(10_000);

  constructor(connection: string | TableClient, tableName = QUERY_TABLE) {
    this.client = typeof connection === 'string' ? TableClient.fromConnectionString(connection, tableName, { allowInsecureConnection: true }) : connection;
  }

  private init(): Promise<unknown> {
    return (this.ready ??= this.client.createTable());
  }

  async lookup(hash: string): Promise<string | undefined> {
    const hit = this.known.get(hash);
    if (hit !== undefined) return hit;
    const missedAt = this.misses.get(hash);
    if (missedAt !== undefined && Date.now() - missedAt < MISS_TTL_MS) return undefined;
    await this.init();
    try {
      const row = await this.client.getEntity<Record<string, unknown>>(PARTITION, hash);
      const parts = Number(row['parts'] ?? 1);
      const text = Array.from({ length: parts }, (_, i) => String(row[`q${i}`] ?? '')).join('');
      this.known.set(hash, text);
      return text;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      this.misses.set(hash, Date.now());
      return undefined;
    }
  }

  async register(operations: Array<{ hash: string; query: string; name?: string }>): Promise<void> {
    await this.init();
    const actions: TransactionAction[] = operations.map((op) => {
      const chunks = op.query.match(new RegExp(`[\\s\\S]{1,${CHUNK}}`, 'g')) ?? [''];
      const row: Record<string, unknown> = {
        partitionKey: PARTITION,
        rowKey: op.hash,
        parts: chunks.length,
        name: op.name ?? '',
        registeredAt: new Date().toISOString(),
      };
      chunks.forEach((c, i) => (row[`q${i}`] = c));
      return ['upsert', row as { partitionKey: string; rowKey: string }, 'Replace'];
    });
    for (let i = 0; i < actions.length; i += 100) await this.client.submitTransaction(actions.slice(i, i + 100));
    for (const op of operations) this.known.set(op.hash, op.query);
  }
}
