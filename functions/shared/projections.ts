// The hot app's projection writer (group commit over the search index), created on first use.
import type { ProjectionDoc, ProjectionStore } from '../../core/projection/port';
import { ProjectionWriter } from '../../adapters/projection/writer';
import { dataProduct } from './product';
import { openProjectionStore } from './search-store';

let store: Promise<ProjectionStore> | undefined;
let writer: Promise<ProjectionWriter> | undefined;

export function projectionStore(): Promise<ProjectionStore> {
  return (store ??= openProjectionStore(dataProduct().product.model));
}

export function projections(): Promise<ProjectionWriter> {
  return (writer ??= projectionStore().then((s) => new ProjectionWriter(s)));
}

/**
 * The projection lag for /api/health: documents handed to the writer and not yet durable (and
 * the age of the oldest), plus, on SQLite, documents durable but not yet searchable (refresh
 * backlog). Undefined until this process has written anything (health opens no store).
 */
export async function projectionLag(): Promise<{ documents: number; oldestMs: number; unrefreshed?: number } | undefined> {
  if (!writer) return undefined;
  const lag = (await writer).lag();
  const s = (await store) as ProjectionStore & { unrefreshed?: () => number };
  return { ...lag, ...(typeof s.unrefreshed === 'function' ? { unrefreshed: s.unrefreshed() } : {}) };
}

export async function project(docs: ProjectionDoc[]) {
  return (await projections()).write(docs);
}
