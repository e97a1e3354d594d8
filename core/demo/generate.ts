// The demo data engine: any data product's scenario in, a deterministic stream of CloudEvents out
// (source-native, or canonical through the contract's own mappings), with updates, out-of-order
// arrivals, duplicates and deletes in set proportions, the mess a real mesh must converge through.
import { CANONICAL_EVENT_TYPES, applyRecordMapping, recordModelOf } from '../contracts';
import type { CloudEvent, CompiledDataProduct, RecordModel } from '../contracts';
import { createRandom, seedFor } from './random';
import type { DemoRecord, DemoScenario, Random } from '../contracts/demo';

/** Proportions, per original record (out-of-order: per update; duplicates: per event). */
export interface DemoMix {
  updates: number;
  outOfOrder: number;
  duplicates: number;
  deletes: number;
}
export const DEFAULT_MIX: DemoMix = { updates: 0.25, outOfOrder: 0.2, duplicates: 0.03, deletes: 0.02 };

export interface DemoOptions {
  roots: number;
  seed: number;
  /** Emit canonical events (mapped by the contracts) instead of source-native records. */
  canonical: boolean;
  mix?: DemoMix;
  /** Time of the first event, in ms since the epoch. */
  startTime?: number;
}

export interface DemoStats {
  roots: number;
  events: number;
  records: number;
  /** Nodes created: upserts yielded by the original (first) records. */
  nodes: number;
  updates: number;
  outOfOrder: number;
  duplicates: number;
  deletes: number;
}

const DEFAULT_START = Date.UTC(2024, 0, 1);

export interface DemoGenerator {
  stats: DemoStats;
  /** Batches of events: the reference data first, then one batch per root neighbourhood. */
  batches(): Generator<CloudEvent[]>;
  /**
   * Live traffic on the graph `batches()` loaded: one batch per root neighbourhood, with one change
   * of every record that has one (a city, a balance, a plan switch, ...), newer than any event
   * before it. Call it after `batches()` ran to the end; each call is a new round of changes.
   */
  updates(): Generator<CloudEvent[]>;
}

export function createDemoGenerator(compiled: CompiledDataProduct, scenario: DemoScenario, options: DemoOptions): DemoGenerator {
  const mix = options.mix ?? DEFAULT_MIX;
  const stats: DemoStats = { roots: 0, events: 0, records: 0, nodes: 0, updates: 0, outOfOrder: 0, duplicates: 0, deletes: 0 };
  const sequences = new Map<string, number>();
  const records = new Map<string, RecordModel>();
  const start = options.startTime ?? DEFAULT_START;

  function recordModel(type: string): RecordModel {
    let rec = records.get(type);
    if (!rec) {
      rec = recordModelOf(compiled.model, type);
      if (!rec) throw new Error(`demo scenario emitted ${type}, which is not a record type of the contracts`);
      records.set(type, rec);
    }
    return rec;
  }

  /** The source event of a record: the next sequence of its source, an id, a time. */
  function toEvent(rec: DemoRecord): CloudEvent {
    const model = recordModel(rec.type);
    const seq = (sequences.get(rec.source) ?? 0) + 1;
    sequences.set(rec.source, seq);
    const data = { ...rec.data };
    const seqField = model.sequence ? model.fields[model.sequence] : undefined;
    if (seqField) data[seqField.name] = seqField.kind === 'int' ? seq : String(seq);
    stats.records++;
    return {
      specversion: '1.0',
      id: `${rec.source}-${seq}`,
      source: rec.source,
      type: rec.type,
      time: new Date(start + stats.records * 1000).toISOString(),
      ...(seqField ? {} : { sequence: seq }),
      data,
    };
  }

  // Originals are mapped once to count nodes and, in canonical mode, reused for the output.
  const mappedEvents = new WeakMap<CloudEvent, CloudEvent[]>();
  function mapped(event: CloudEvent): CloudEvent[] {
    let events = mappedEvents.get(event);
    if (!events) {
      const result = applyRecordMapping(compiled.product, recordModel(event.type), event);
      if (!result.ok) throw new Error(`demo record ${event.type} does not map: ${result.reasons.join('; ')}`);
      events = result.events;
      mappedEvents.set(event, events);
    }
    return events;
  }

  /** The event of an original record, counting the nodes it creates. */
  function original(rec: DemoRecord): CloudEvent {
    const event = toEvent(rec);
    for (const e of mapped(event)) if (e.type === CANONICAL_EVENT_TYPES.upsert) stats.nodes++;
    return event;
  }

  /** The original, its update (maybe ahead of it), its deletion, then duplicates of any event. */
  function messUp(originals: DemoRecord[], rng: Random): CloudEvent[] {
    const out: CloudEvent[] = [];
    for (const rec of originals) {
      out.push(original(rec));
      const update = rng.chance(mix.updates) ? scenario.update(rec, rng) : undefined;
      if (!update) continue;
      stats.updates++;
      const later = toEvent(update);
      if (rng.chance(mix.outOfOrder)) {
        stats.outOfOrder++;
        out.splice(out.length - 1, 0, later);
      } else out.push(later);
    }
    for (const rec of originals) {
      const removal = rng.chance(mix.deletes) ? scenario.remove(rec, rng) : undefined;
      if (removal) {
        stats.deletes++;
        out.push(toEvent(removal));
      }
    }
    const emitted = out.length;
    for (let i = 0; i < emitted; i++) {
      if (rng.chance(mix.duplicates)) {
        stats.duplicates++;
        out.push(out[i] as CloudEvent);
      }
    }
    return out;
  }

  function finish(events: CloudEvent[]): CloudEvent[] {
    const out = options.canonical ? events.flatMap(mapped) : events;
    stats.events += out.length;
    return out;
  }

  function* batches(): Generator<CloudEvent[]> {
    const reference = scenario.reference(createRandom(seedFor(options.seed, -1)));
    yield finish(reference.map(original));
    for (let index = 0; index < options.roots; index++) {
      const rng = createRandom(seedFor(options.seed, index));
      const events = messUp(scenario.neighbourhood(index, rng), rng);
      stats.roots++;
      yield finish(events);
    }
  }

  let loaded = false;
  let rounds = 0;
  function* updates(): Generator<CloudEvent[]> {
    // Sequences continue from the load: a fresh generator's changes would all be older than it.
    if (!loaded) throw new Error('updates() needs the load first: run batches() to its end on this generator');
    const round = ++rounds;
    for (let index = 0; index < options.roots; index++) {
      // The same stream as the load, so the same records; then this round's own choices.
      const records = scenario.neighbourhood(index, createRandom(seedFor(options.seed, index)));
      const rng = createRandom(seedFor(options.seed + round, options.roots + index));
      const events: CloudEvent[] = [];
      for (const rec of records) {
        const update = scenario.update(rec, rng);
        if (!update) continue;
        stats.updates++;
        events.push(toEvent(update));
      }
      yield finish(events);
    }
  }

  function* loadThenMark(): Generator<CloudEvent[]> {
    yield* batches();
    loaded = true;
  }

  return { stats, batches: loadThenMark, updates };
}
