// Reindex with zero downtime: build a new index version of a node type from the actors' state
// while ingestion goes on, point the alias at it, then catch up with what changed meanwhile.
// Queries follow the alias, so they always read a complete index; the actors keep writing
// through the alias (the old index until the swap, the new one after), and the catch-up pass
// copies every node changed since the rebuild began (versions make repeats harmless).
import type { NodeModel } from '../contracts/model';
import type { NodeState } from '../graph/node-state';
import { projectionOf } from '../graph/summary';
import { indexSpecOf } from './spec';
import type { ProjectionDoc, ProjectionStore } from './port';

export interface ListedState {
  state: NodeState;
  lastOperationTime: number;
}

export interface ReindexSource {
  /** Every node of the type, page by page (through the durable client's entity listing). */
  pages(): AsyncIterable<ListedState[]>;
}

export interface ReindexResult {
  type: string;
  index: string;
  documents: number;
  caughtUp: number;
  ms: number;
}

async function copy(store: ProjectionStore, index: string, node: NodeModel, states: ListedState[]): Promise<number> {
  const docs: ProjectionDoc[] = states.filter((s) => s.state.t === node.name).map((s) => projectionOf(s.state, node));
  if (docs.length === 0) return 0;
  const result = await store.bulk(docs, { index });
  const failed = result.failed.filter((f) => !f.retryable);
  if (result.failed.length > failed.length) throw new Error(`the index refused ${result.failed.length - failed.length} documents for now (${result.failed[0]?.reason}); run the reindex again`);
  return docs.length - failed.length;
}

export async function reindexType(store: ProjectionStore, node: NodeModel, source: ReindexSource, options: { version?: number; onProgress?: (copied: number) => void } = {}): Promise<ReindexResult> {
  const started = Date.now();
  // A version per run (seconds since the epoch): each reindex gets a fresh index name.
  const { index } = await store.createIndex(indexSpecOf(node, options.version ?? Math.floor(started / 1000)));
  let documents = 0;
  for await (const page of source.pages()) {
    documents += await copy(store, index, node, page);
    options.onProgress?.(documents);
  }
  await store.swapAlias(node.name, index);
  // What the actors wrote to the old index while the copy ran, now copied to the new one.
  let caughtUp = 0;
  for await (const page of source.pages()) caughtUp += await copy(store, index, node, page.filter((s) => s.lastOperationTime >= started - 1000));
  return { type: node.name, index, documents, caughtUp, ms: Date.now() - started };
}
