// The dead-letter store of the cold app's admin endpoints, made on first use: the plain-fetch
// table client (the SDK would triple the bundle), signed with the connection string's key, or
// with a token of the app's identity (AzureWebJobsStorage__accountName).
import { config } from '../../../core/config';
import type { DeadLetterStore } from '../../../core/ports/dead-letters';

let store: Promise<DeadLetterStore> | undefined;

async function open(): Promise<DeadLetterStore> {
  const { RestDeadLetterStore, tableAccountOf } = await import('../../../adapters/deadletter/table-rest');
  const { connectionString, accountName } = config().storage;
  if (connectionString) return new RestDeadLetterStore(tableAccountOf(connectionString));
  const { DefaultAzureCredential } = await import('@azure/identity');
  const credential = new DefaultAzureCredential(process.env.AZURE_CLIENT_ID ? { managedIdentityClientId: process.env.AZURE_CLIENT_ID } : {});
  const account = accountName!;
  return new RestDeadLetterStore({
    url: `https://${account}.table.core.windows.net`,
    account,
    token: async () => (await credential.getToken('https://storage.azure.com/.default')).token,
  });
}

export function deadLetterStore(): Promise<DeadLetterStore> {
  return (store ??= open().catch((err) => {
    store = undefined;
    throw err;
  }));
}
