// The composition root of the apps: which adapter serves each port, built once per process on
// first use, its SDK loaded then too (so a function that needs none of them starts without them).
import { config } from '../../core/config';
import type { DeadLetterStore } from '../../core/ports/dead-letters';
import type { QueryRegistry } from '../../core/graphql/persisted';
import { appCredential } from '../../adapters/identity';

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** A table client: from the connection string, or with the app's identity (AzureWebJobsStorage__accountName). */
async function tableClient(table: string) {
  const { connectionString, accountName } = config().storage;
  const { TableClient } = await import('@azure/data-tables');
  if (connectionString) return TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true });
  return new TableClient(`https://${accountName}.table.core.windows.net`, table, await appCredential());
}

export const deadLetters = once((): DeadLetterStore => {
  const store = (async () => {
    const { DEAD_LETTER_TABLE, TableDeadLetterStore } = await import('../../adapters/deadletter/table');
    return new TableDeadLetterStore(await tableClient(DEAD_LETTER_TABLE));
  })();
  return { put: (l) => store.then((s) => s.put(l)), list: (o) => store.then((s) => s.list(o)), remove: (ids) => store.then((s) => s.remove(ids)) };
});

/** Registered GraphQL operations (safelist and persisted queries), in the app's storage account. */
export const queryRegistry = once((): QueryRegistry => {
  const registry = (async () => {
    const { QUERY_TABLE, TableQueryRegistry } = await import('../../adapters/graphql/table-registry');
    return new TableQueryRegistry(await tableClient(QUERY_TABLE));
  })();
  return { lookup: (h) => registry.then((r) => r.lookup(h)), register: (ops) => registry.then((r) => r.register(ops)) };
});
