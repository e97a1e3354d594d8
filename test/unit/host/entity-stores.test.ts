// The store conformance suite on the memory store and on the SQLite store (a file in a temporary
// directory); the table store runs it in test/integration/host/entity-store.azurite.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runEntityStoreConformance } from '../../conformance/entity-store';
import { MemoryEntityStore } from '../../../host/entities/memory-store';
import { openSqliteEntityStore } from '../../../host/entities/sqlite-store';
import type { EntityStore } from '../../../host/entities/store';

runEntityStoreConformance('memory', async () => {
  const store = new MemoryEntityStore(4); // small generations: entities get packed in the cases
  return { store, reopen: async () => store, dispose: () => store.close() };
});

runEntityStoreConformance('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-entities-'));
  let store: EntityStore = openSqliteEntityStore(dir);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = openSqliteEntityStore(dir);
      return store;
    },
    dispose: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
