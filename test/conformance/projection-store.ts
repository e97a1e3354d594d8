// The one conformance suite every ProjectionStore adapter passes (SQLite in test/unit/adapters,
// Elasticsearch in test/es against a real cluster). Each case gets a new store and a node type of
// its own, and removes its index afterwards.
import { describe } from 'node:test';
import type { ProjectionDoc, ProjectionStore } from '../../core/projection/port';
import { freshTypeName, personSpec } from './fixtures';
import { writeCases } from './cases-writes';
import { filterCases } from './cases-filters';
import { pagingCases } from './cases-paging';
import { textCases } from './cases-text';

export type MakeStore = () => Promise<ProjectionStore>;

export interface Fixture {
  store: ProjectionStore;
  type: string;
  index: string;
}

/** Runs `body` against a fresh store with an aliased index of a fresh type holding `docs`. */
export function withIndex(makeStore: MakeStore) {
  return async (docs: ProjectionDoc[] | ((type: string) => ProjectionDoc[]), body: (f: Fixture) => Promise<void>): Promise<void> => {
    const store = await makeStore();
    const type = freshTypeName();
    const { index } = await store.createIndex(personSpec(type));
    try {
      await store.swapAlias(type, index);
      const initial = typeof docs === 'function' ? docs(type) : docs;
      if (initial.length > 0) {
        const result = await store.bulk(initial);
        if (result.failed.length > 0) throw new Error(`fixture write failed: ${JSON.stringify(result.failed)}`);
      }
      await body({ store, type, index });
    } finally {
      await store.deleteIndex(index).catch(() => undefined);
      await store.close();
    }
  };
}

export function runProjectionStoreConformance(name: string, makeStore: MakeStore): void {
  describe(`ProjectionStore conformance: ${name}`, () => {
    writeCases(makeStore, withIndex(makeStore));
    filterCases(withIndex(makeStore));
    pagingCases(withIndex(makeStore));
    textCases(withIndex(makeStore));
  });
}

export type WithIndex = ReturnType<typeof withIndex>;
