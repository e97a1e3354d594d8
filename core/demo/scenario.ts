// What a data product provides to have demo data generated for it: realistic source-native
// records for one root entity's neighbourhood, and how such a record changes or disappears.
// The engine (generate.ts) adds sequences, ids, times, updates, duplicates, reordering, deletes.
import type { Random } from './random';

export interface DemoRecord {
  source: string;
  /** A source-native record type of the contracts, e.g. `crm.customer.row`. */
  type: string;
  /** The record in the source's own shape; the engine sets its sequence field. */
  data: Record<string, unknown>;
}

export interface DemoScenario {
  /** What `--customers N` counts, in the plural (the root entities of the scenario). */
  rootLabel: string;
  /** Records emitted once, before any root: shared reference data such as a catalog. */
  reference(rng: Random): DemoRecord[];
  /** Records of root number `index` and its whole neighbourhood, in creation order. */
  neighbourhood(index: number, rng: Random): DemoRecord[];
  /** A later version of the record with some values changed; undefined when it does not change. */
  update(record: DemoRecord, rng: Random): DemoRecord | undefined;
  /** The record that tells of its deletion; undefined when the source never deletes it. */
  remove(record: DemoRecord, rng: Random): DemoRecord | undefined;
}

export function isDemoScenario(value: unknown): value is DemoScenario {
  const v = value as Partial<DemoScenario> | undefined;
  return typeof v === 'object' && v !== null && typeof v.neighbourhood === 'function' && typeof v.reference === 'function';
}
