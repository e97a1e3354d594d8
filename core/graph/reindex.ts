// Reindex with zero downtime: build a new index version of the chosen node types from the actors'
// state while ingestion goes on, point the aliases at them, then catch up with what changed
// meanwhile. Queries follow the aliases, so they always read a complete index; the actors keep
// writing through the aliases (the old index until the swap, the new one after), and the catch-up
// pass copies every node changed since the rebuild began (versions make repeats harmless).
// One scan of the actors serves every type. Then the index versions the new ones replaced are
// deleted (they are disposable, and each holds a full copy of its type); `keepPrevious` keeps the
// one the alias pointed at before, to point it back by hand if the new contract goes wrong.
import type { NodeModel } from '../contracts/model';
import type { NodeState } from './node-state';
import { projectionOf } from './summary';
import { indexSpecOf } from '../contracts/index-spec';
import type { ProjectionStore } from '../projection/port';

export interface ListedState {
  state: NodeState;
  lastOperationTime: number;
}

export interface ReindexSource {
  /** Every node, page by page (through the durable client's entity listing). */
  pages(): AsyncIterable<ListedState[]>;
}

export interface ReindexResult {
  type: string;
  index: string;
  documents: number;
  caughtUp: number;
  ms: number;
  /** Older index versions deleted after the swap. */
  deleted: string[];
}

export interface ReindexOptions {
  version?: number;
  onProgress?: (copied: number) => void;
  /** Keep the index version the alias pointed at before the swap (older ones are deleted still). */
  keepPrevious?: boolean;
}

export async function reindex(store: ProjectionStore, nodes: NodeModel[], source: ReindexSource, options: ReindexOptions = {}): Promise<ReindexResult[]> {
  const started = Date.now();
  // A version per run (seconds since the epoch): each reindex gets fresh index names.
  const version = options.version ?? Math.floor(started / 1000);
  const targets = new Map<string, { node: NodeModel; index: string; documents: number; caughtUp: number; previous?: string; deleted: string[] }>();
  for (const node of nodes)
    targets.set(node.name, { node, index: (await store.createIndex(indexSpecOf(node, version))).index, documents: 0, caughtUp: 0, deleted: [] });

  const copy = async (page: ListedState[], count: 'documents' | 'caughtUp') => {
    const byType = new Map<string, ListedState[]>();
    for (const s of page) if (targets.has(s.state.type)) byType.set(s.state.type, [...(byType.get(s.state.type) ?? []), s]);
    for (const [type, states] of byType) {
      const target = targets.get(type)!;
      const result = await store.bulk(
        states.map((s) => projectionOf(s.state, target.node)),
        { index: target.index },
      );
      const retryable = result.failed.filter((f) => f.retryable);
      if (retryable.length > 0) throw new Error(`the index refused ${retryable.length} documents for now (${retryable[0]?.reason}); run the reindex again`);
      target[count] += states.length - result.failed.length;
    }
  };

  let copied = 0;
  for await (const page of source.pages()) {
    await copy(page, 'documents');
    options.onProgress?.((copied += page.length));
  }
  for (const t of targets.values()) {
    const previous = (await store.indexes(t.node.name)).find((i) => i.aliased)?.index;
    if (previous !== undefined) t.previous = previous;
    await store.swapAlias(t.node.name, t.index);
  }
  // What the actors wrote to the old indexes while the copy ran, now copied to the new ones.
  for await (const page of source.pages())
    await copy(
      page.filter((s) => s.lastOperationTime >= started - 1000),
      'caughtUp',
    );
  // Only older versions: a newer one belongs to a reindex that started after this one.
  for (const t of targets.values()) {
    for (const old of await store.indexes(t.node.name)) {
      if (old.version >= version || old.aliased || (options.keepPrevious && old.index === t.previous)) continue;
      await store.deleteIndex(old.index);
      t.deleted.push(old.index);
    }
  }
  const ms = Date.now() - started;
  return [...targets.values()].map((t) => ({ type: t.node.name, index: t.index, documents: t.documents, caughtUp: t.caughtUp, ms, deleted: t.deleted }));
}
