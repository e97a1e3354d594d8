// Dead letters in Azure Table storage (Azurite locally): one row per rejected event, keyed by day
// and time so listing is oldest first. Payloads are split across properties like entity state.
import { TableClient, type TransactionAction } from '@azure/data-tables';
import type { DeadLetter, DeadLetterPage, DeadLetterStore } from '../../core/ports/dead-letters';
import { DEAD_LETTER_TABLE, keysOf, letterOf, rowChars, rowOf } from './rows';

/** A transaction is at most 100 rows and 4 MiB (UTF-16): stay under both. */
const MAX_TRANSACTION_ROWS = 100;
const MAX_TRANSACTION_CHARS = 1_500_000;

export { DEAD_LETTER_TABLE, newDeadLetterId } from './rows';

export class TableDeadLetterStore implements DeadLetterStore {
  private readonly client: TableClient;
  private ready: Promise<unknown> | undefined;

  /** From a connection string (Azurite, or keys), or a ready client (identity-based in Azure). */
  constructor(connection: string | TableClient, tableName = DEAD_LETTER_TABLE) {
    this.client = typeof connection === 'string' ? TableClient.fromConnectionString(connection, tableName, { allowInsecureConnection: true }) : connection;
  }

  private init(): Promise<unknown> {
    return (this.ready ??= this.client.createTable());
  }

  async put(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.init();
    const byPartition = new Map<string, Array<{ action: TransactionAction; chars: number }>>();
    for (const l of letters) {
      const row = rowOf(l);
      const list = byPartition.get(row.partitionKey) ?? [];
      list.push({ action: ['upsert', row, 'Replace'], chars: rowChars(row) });
      byPartition.set(row.partitionKey, list);
    }
    for (const actions of byPartition.values()) {
      let chunk: TransactionAction[] = [];
      let chars = 0;
      for (const { action, chars: size } of actions) {
        if (chunk.length > 0 && (chunk.length === MAX_TRANSACTION_ROWS || chars + size > MAX_TRANSACTION_CHARS)) {
          await this.client.submitTransaction(chunk);
          chunk = [];
          chars = 0;
        }
        chunk.push(action);
        chars += size;
      }
      if (chunk.length > 0) await this.client.submitTransaction(chunk);
    }
  }

  async list({ top = 100, continuation }: { top?: number; continuation?: string } = {}): Promise<DeadLetterPage> {
    await this.init();
    const pages = this.client.listEntities().byPage({ maxPageSize: top, ...(continuation ? { continuationToken: continuation } : {}) });
    const { value: page } = await pages.next();
    const items: DeadLetter[] = (page ?? []).map((row: Record<string, unknown>) => letterOf(String(row.partitionKey), String(row.rowKey), row));
    return { items, ...(page?.continuationToken ? { continuation: page.continuationToken } : {}) };
  }

  async remove(ids: string[]): Promise<void> {
    await this.init();
    for (const id of ids)
      await this.client.deleteEntity(keysOf(id).partitionKey, keysOf(id).rowKey).catch((err) => {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      });
  }
}
