// What a data product provides to have demo data generated for it (its `demo`): realistic
// source-native records for one root entity's neighbourhood, and how such a record changes or
// disappears. The engine (core/demo/generate.ts) adds sequences, ids, times, updates, duplicates,
// reordering and deletes. Types only, so a product's demo module imports nothing but contracts.

/** The seeded random source the engine hands a scenario (the same seed gives the same data). */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

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
  /** The node type of the roots: the demo's example queries start from one (default: the type with the most relations). */
  rootType?: string;
  /** Records emitted once, before any root: shared reference data such as a catalog. */
  reference(rng: Random): DemoRecord[];
  /** Records of root number `index` and its whole neighbourhood, in creation order. */
  neighbourhood(index: number, rng: Random): DemoRecord[];
  /** A later version of the record with some values changed; undefined when it does not change. */
  update(record: DemoRecord, rng: Random): DemoRecord | undefined;
  /** The record that tells of its deletion; undefined when the source never deletes it. */
  remove(record: DemoRecord, rng: Random): DemoRecord | undefined;
}
