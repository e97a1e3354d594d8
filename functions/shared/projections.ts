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

export async function project(docs: ProjectionDoc[]) {
  return (await projections()).write(docs);
}
