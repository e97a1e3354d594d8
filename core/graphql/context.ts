// What every resolver gets: the caller, the search index, and this request's batching loaders.
import DataLoader from 'dataloader';
import type { Principal } from '../auth/principal';
import type { ProjectionDoc, ProjectionStore } from '../projection/port';

export interface GraphQLLimits {
  /** Largest `first` a list may ask for; larger values are refused, not silently capped. */
  maxFirst: number;
  /** How many matches `totalCount` counts exactly before it says "at least". */
  totalUpTo: number;
}

export interface MeshContext {
  store: ProjectionStore;
  principal: Principal;
  limits: GraphQLLimits;
  /** One loader per node type: every `get` of a request in one tick becomes one `mget`. */
  loader(type: string): DataLoader<string, ProjectionDoc | undefined>;
}

export function createContext(store: ProjectionStore, principal: Principal, limits: GraphQLLimits): MeshContext {
  const loaders = new Map<string, DataLoader<string, ProjectionDoc | undefined>>();
  return {
    store,
    principal,
    limits,
    loader(type) {
      let loader = loaders.get(type);
      if (!loader) {
        loader = new DataLoader<string, ProjectionDoc | undefined>((ids) => store.mget(type, [...ids]), { maxBatchSize: 1000 });
        loaders.set(type, loader);
      }
      return loader;
    },
  };
}
