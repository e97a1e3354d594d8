// The composition root of the apps: which adapter serves each port, built once per process on
// first use (so a function that needs none of them starts without them).
import { config } from '../../core/config';
import type { DeadLetterStore } from '../../core/ports/dead-letters';
import { TableClient } from '@azure/data-tables';
import { DEAD_LETTER_TABLE, TableDeadLetterStore } from '../../adapters/deadletter/table';
import { QUERY_TABLE, TableQueryRegistry } from '../../adapters/graphql/table-registry';
import type { QueryRegistry } from '../../core/graphql/persisted';

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/**
 * The app's managed identity (AZURE_CLIENT_ID names a user-assigned one), for identity-based
 * connections; loaded only when a setting asks for one.
 */
async function credential() {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential(process.env.AZURE_CLIENT_ID ? { managedIdentityClientId: process.env.AZURE_CLIENT_ID } : {});
}

export const deadLetters = once((): DeadLetterStore => {
  const { connectionString, accountName } = config().storage;
  if (connectionString) return new TableDeadLetterStore(connectionString);
  // Identity-based (AzureWebJobsStorage__accountName): the client is made on first use.
  const client = credential().then((cred) => new TableClient(`https://${accountName}.table.core.windows.net`, DEAD_LETTER_TABLE, cred));
  const store = client.then((c) => new TableDeadLetterStore(c));
  return { put: (l) => store.then((s) => s.put(l)), list: (o) => store.then((s) => s.list(o)), remove: (ids) => store.then((s) => s.remove(ids)) };
});

/** Registered GraphQL operations (safelist and persisted queries), in the app's storage account. */
export const queryRegistry = once((): QueryRegistry => {
  const { connectionString, accountName } = config().storage;
  if (connectionString) return new TableQueryRegistry(connectionString);
  const registry = credential().then((cred) => new TableQueryRegistry(new TableClient(`https://${accountName}.table.core.windows.net`, QUERY_TABLE, cred)));
  return { lookup: (h) => registry.then((r) => r.lookup(h)), register: (ops) => registry.then((r) => r.register(ops)) };
});
