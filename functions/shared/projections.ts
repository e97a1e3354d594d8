// The search index of this app: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded
// SQLite store under MESH_DATA_DIR. Indexes are created from the contracts on first use.
import { config } from '../../core/config';
import { UserError } from '../../core/errors';
import { indexSpecOf } from '../../core/projection/spec';
import type { ProjectionDoc, ProjectionStore } from '../../core/projection/port';
import { ProjectionWriter } from '../../adapters/projection/writer';
import { dataProduct } from './product';

let store: Promise<ProjectionStore> | undefined;
let writer: Promise<ProjectionWriter> | undefined;

/** Creates version 1 of each type's index and points its alias at it, unless the alias exists. */
async function ensureIndexes(s: ProjectionStore): Promise<ProjectionStore> {
  for (const node of Object.values(dataProduct().product.model.types)) {
    try {
      await s.count(node.name);
    } catch (err) {
      if (!(err instanceof UserError && err.status === 404)) throw err;
      const { index } = await s.createIndex(indexSpecOf(node, 1));
      await s.swapAlias(node.name, index);
    }
  }
  return s;
}

export function projectionStore(): Promise<ProjectionStore> {
  if (config().elasticsearch.url) throw new Error('setting ELASTICSEARCH_URL: the Elasticsearch adapter is not wired into the apps yet');
  // Loaded on first use: an app on Elasticsearch never loads the native SQLite module.
  return (store ??= import('../../adapters/search/sqlite').then(({ openSqliteStore }) => ensureIndexes(openSqliteStore(config().dataDir))));
}

export function projections(): Promise<ProjectionWriter> {
  return (writer ??= projectionStore().then((s) => new ProjectionWriter(s)));
}

export async function project(docs: ProjectionDoc[]) {
  return (await projections()).write(docs);
}
