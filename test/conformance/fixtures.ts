// The node type and documents the ProjectionStore conformance suite writes: every field kind,
// a list, a denormalized many path and a denormalized one path.
import type { IndexFieldSpec, IndexSpec, ProjectionDoc, ProjectionStore } from '../../core/projection/port';

const f = (path: string, kind: IndexFieldSpec['kind'], flags: Partial<Omit<IndexFieldSpec, 'path' | 'kind'>> = {}): IndexFieldSpec => ({
  path,
  kind,
  list: false,
  searchable: false,
  facet: false,
  sortable: false,
  ...flags,
});

let typeCounter = 0;
/** A type name of its own for each test, so suites can share an Elasticsearch cluster. */
export function freshTypeName(): string {
  typeCounter++;
  return `Person${process.pid}x${Date.now().toString(36)}x${typeCounter}`;
}

export function personSpec(type: string, version = 1): IndexSpec {
  return {
    type,
    version,
    fields: [
      f('id', 'keyword', { sortable: true }),
      f('name', 'text', { searchable: true, sortable: true }),
      f('bio', 'text', { searchable: true }),
      f('segment', 'keyword', { facet: true }),
      f('city', 'keyword', { facet: true, sortable: true }),
      f('age', 'int', { facet: true, sortable: true }),
      f('rating', 'float', { sortable: true }),
      f('vip', 'bool', { facet: true }),
      f('joinedAt', 'datetime', { sortable: true }),
      f('tags', 'keyword', { list: true, facet: true }),
      f('accounts.id', 'keyword', { list: true }),
      f('accounts.status', 'keyword', { list: true, facet: true }),
      f('accounts.balance', 'float', { list: true }),
      f('manager.id', 'keyword'),
      // A carried text field counted in facets (by its exact value).
      f('manager.name', 'text', { searchable: true, facet: true }),
    ],
  };
}

export type PersonBody = Partial<{
  name: string;
  bio: string;
  segment: string;
  city: string;
  age: number;
  rating: number;
  vip: boolean;
  joinedAt: string;
  tags: string[];
  accounts: Array<{ id: string; status?: string; balance?: number }>;
  manager: { id: string; name?: string };
}>;

export function person(type: string, key: string, version: number, body: PersonBody = {}): ProjectionDoc {
  return { id: `${type}:${key}`, type, version, body: { id: key, ...body } };
}

export function tombstone(type: string, key: string, version: number): ProjectionDoc {
  return { id: `${type}:${key}`, type, version, deleted: true, body: {} };
}

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

export type WithIndex = ReturnType<typeof withIndex>;
