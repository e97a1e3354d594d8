// The store conformance suite on the table store, on a private Azurite (a table per case).
import { after, before } from 'node:test';
import { startTestAzurite, type TestAzurite } from '../../../host/harness/azurite';
import { runEntityStoreConformance } from '../../conformance/entity-store';
import { TableEntityStore } from '../../../host/entities/table-store';

let azurite: TestAzurite | undefined;
before(async () => {
  azurite = await startTestAzurite();
});
after(() => azurite?.stop());

let tables = 0;
runEntityStoreConformance('azurite tables', async () => {
  const connection = azurite!.connectionString;
  const table = `conformance${Date.now()}x${++tables}`;
  let store = new TableEntityStore(connection, table);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new TableEntityStore(connection, table);
      return store;
    },
    dispose: () => store.close(),
  };
});
