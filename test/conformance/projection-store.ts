// The one conformance suite every ProjectionStore adapter passes (SQLite in test/unit/adapters,
// Elasticsearch in test/es against a real cluster). Each case gets a new store and a node type of
// its own, and removes its index afterwards.
import { describe } from 'node:test';
import { withIndex, type MakeStore } from './fixtures';
import { writeCases } from './cases-writes';
import { filterCases } from './cases-filters';
import { pagingCases } from './cases-paging';
import { textCases } from './cases-text';

export function runProjectionStoreConformance(name: string, makeStore: MakeStore): void {
  describe(`ProjectionStore conformance: ${name}`, () => {
    writeCases(makeStore, withIndex(makeStore));
    filterCases(withIndex(makeStore));
    pagingCases(withIndex(makeStore));
    textCases(withIndex(makeStore));
  });
}
