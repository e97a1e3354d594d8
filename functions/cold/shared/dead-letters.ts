// The dead-letter store of the cold app's admin endpoints, made on first use: the plain-fetch
// table client (the SDK would triple the bundle), signed with the connection string's key, or
// with a token of the app's identity (AzureWebJobsStorage__accountName).
import { config } from '../../../core/config';
import type { DeadLetterStore } from '../../../core/ports/dead-letters';
import { appCredential } from '../../../adapters/identity';

let store: Promise<DeadLetterStore> | undefined;

async function open(): Promise<DeadLetterStore> {
  const { RestDeadLetterStore, tableAccountOf } = await import('../../../adapters/deadletter/table-rest');
  const { connectionString, accountName } = config().storage;
  if (connectionString) return new RestDeadLetterStore(tableAccountOf(connectionString));
  const credential = await appCredential();
  const account = accountName!;
  return new RestDeadLetterStore({
    url: `https://${account}.table.core.windows.net`,
    account,
    token: async () => {
      const token = await credential.getToken('https://storage.azure.com/.default');
      if (!token) throw new Error('the app identity gave no token for Azure Storage');
      return token.token;
    },
  });
}

export function deadLetterStore(): Promise<DeadLetterStore> {
  return (store ??= open().catch((err) => {
    store = undefined;
    throw err;
  }));
}
