// Opens the search index of this app for a contract model: Elasticsearch when ELASTICSEARCH_URL
// is set, else the embedded SQLite store under MESH_DATA_DIR (loaded on first use: an app on
// Elasticsearch never loads the native module). Indexes are created from the model on first use.
import { config } from '../../core/config';
import type { ContractModel } from '../../core/contracts/model';
import { indexSpecOf } from '../../core/contracts/index-spec';
import { isUnknownIndexError, type ProjectionStore } from '../../core/projection/port';

/** Creates version 1 of each type's index and points its alias at it, unless the alias exists. */
async function ensureIndexes(store: ProjectionStore, model: ContractModel): Promise<ProjectionStore> {
  for (const node of Object.values(model.types)) {
    try {
      await store.count(node.name);
    } catch (err) {
      if (!isUnknownIndexError(err)) throw err;
      const { index } = await store.createIndex(indexSpecOf(node, 1));
      await store.swapAlias(node.name, index);
    }
  }
  return store;
}

export async function openProjectionStore(model: ContractModel): Promise<ProjectionStore> {
  const { url, apiKey } = config().elasticsearch;
  if (url) {
    const { ElasticsearchProjectionStore } = await import('../../adapters/search/elasticsearch');
    return ensureIndexes(new ElasticsearchProjectionStore({ url, ...(apiKey ? { apiKey } : {}) }), model);
  }
  const { openSqliteStore } = await import('../../adapters/search/sqlite');
  return ensureIndexes(openSqliteStore(config().dataDir), model);
}
