// Compares a contract model with an earlier build's. Breaking changes are those that can fail a
// published client or source: something removed, a type narrowed, a key changed, a published
// field turned into personal data, a capability (sort, facet, search) withdrawn.
import type { ContractModel, DenormalizedModel, EdgeModel, FieldModel, NodeModel } from './model';

export interface ContractChange {
  breaking: boolean;
  rule: string;
  /** Dotted location, e.g. `Customer.email`. */
  at: string;
  message: string;
}

type Emit = (breaking: boolean, rule: string, at: string, message: string) => void;

/** Kind changes that accept every value the old kind did and keep the same search behaviour. */
const WIDENINGS: Record<string, string[]> = { int: ['float'] };
const FLAGS = ['searchable', 'facet', 'sortable'] as const;

function compareField(at: string, before: FieldModel, after: FieldModel, emit: Emit): void {
  if (before.kind !== after.kind) {
    const widened = WIDENINGS[before.kind]?.includes(after.kind) ?? false;
    emit(!widened, widened ? 'type-widened' : 'type-narrowed', at, `${at} changed from ${before.kind} to ${after.kind}`);
  } else if (before.kind === 'enum') {
    const removed = (before.values ?? []).filter((v) => !after.values?.includes(v));
    const added = (after.values ?? []).filter((v) => !before.values?.includes(v));
    if (removed.length) emit(true, 'type-narrowed', at, `${at} no longer accepts ${removed.join(', ')}`);
    if (added.length) emit(false, 'enum-values-added', at, `${at} also accepts ${added.join(', ')}`);
  }
  if (before.list !== after.list)
    emit(true, 'type-narrowed', at, `${at} changed from ${before.list ? 'a list' : 'a single value'} to ${after.list ? 'a list' : 'a single value'}`);
  if (after.pii !== undefined && before.pii !== after.pii) {
    emit(
      true,
      'pii-added',
      at,
      before.pii === undefined
        ? `${at} became pii (role ${after.pii}): callers without the role now get null`
        : `${at} pii role changed from ${before.pii} to ${after.pii}`,
    );
  } else if (before.pii !== undefined && after.pii === undefined) {
    emit(false, 'pii-removed', at, `${at} is no longer pii`);
  }
  for (const flag of FLAGS) {
    if (before[flag] && !after[flag]) emit(true, 'capability-removed', at, `${at} is no longer ${flag}`);
    if (!before[flag] && after[flag]) emit(false, 'capability-added', at, `${at} is now ${flag}`);
  }
  if (before.owner !== after.owner)
    emit(true, 'owner-changed', at, `${at} moved from source ${before.owner} to ${after.owner}: ${before.owner}'s writes will be rejected`);
}

function compareEdge(at: string, before: EdgeModel, after: EdgeModel, emit: Emit): void {
  if (before.to !== after.to) emit(true, 'edge-changed', at, `${at} now links to ${after.to} instead of ${before.to}`);
  if (before.cardinality !== after.cardinality) emit(true, 'edge-changed', at, `${at} changed from ${before.cardinality} to ${after.cardinality}`);
  if (before.owner !== after.owner) emit(true, 'owner-changed', at, `${at} moved from source ${before.owner} to ${after.owner}`);
}

function comparePath(at: string, before: DenormalizedModel, after: DenormalizedModel, emit: Emit): void {
  if (before.target !== after.target || before.many !== after.many)
    emit(
      true,
      'denormalized-changed',
      at,
      `${at} now carries ${after.target}${after.many ? ' (many)' : ''} instead of ${before.target}${before.many ? ' (many)' : ''}`,
    );
  for (const name of Object.keys(before.fields)) if (!after.fields[name]) emit(true, 'field-removed', `${at}.${name}`, `${at} no longer carries ${name}`);
  for (const name of Object.keys(after.fields)) if (!before.fields[name]) emit(false, 'field-added', `${at}.${name}`, `${at} also carries ${name}`);
}

/** Calls `compare` for members in both, and reports the removed (breaking) and added ones. */
function compareMembers<T>(
  at: string,
  what: string,
  before: Record<string, T>,
  after: Record<string, T>,
  emit: Emit,
  compare: (at: string, b: T, a: T) => void,
): void {
  for (const [name, b] of Object.entries(before)) {
    const a = after[name];
    if (a === undefined) emit(true, `${what}-removed`, `${at}.${name}`, `${what} ${at}.${name} was removed`);
    else compare(`${at}.${name}`, b, a);
  }
  for (const name of Object.keys(after)) if (!(name in before)) emit(false, `${what}-added`, `${at}.${name}`, `${what} ${at}.${name} was added`);
}

function compareNode(before: NodeModel, after: NodeModel, emit: Emit): void {
  const at = before.name;
  if (before.key !== after.key) emit(true, 'key-changed', at, `${at}'s key changed from ${before.key} to ${after.key}`);
  if (before.plural !== after.plural) emit(true, 'query-renamed', at, `${at}'s plural changed from ${before.plural} to ${after.plural}, renaming its queries`);
  compareMembers(at, 'field', before.fields, after.fields, emit, (fat, b, a) => compareField(fat, b, a, emit));
  compareMembers(at, 'edge', before.edges, after.edges, emit, (eat, b, a) => compareEdge(eat, b, a, emit));
  compareMembers(at, 'denormalized', before.denormalized, after.denormalized, emit, (dat, b, a) => comparePath(dat, b, a, emit));
}

export function compareModels(base: ContractModel, next: ContractModel): ContractChange[] {
  const changes: ContractChange[] = [];
  const emit: Emit = (breaking, rule, at, message) => void changes.push({ breaking, rule, at, message });
  for (const [name, before] of Object.entries(base.types)) {
    const after = next.types[name];
    if (after) compareNode(before, after, emit);
    else emit(true, 'type-removed', name, `type ${name} was removed`);
  }
  for (const name of Object.keys(next.types)) if (!base.types[name]) emit(false, 'type-added', name, `type ${name} was added`);
  const records = (m: ContractModel) => Object.fromEntries(Object.values(m.sources).flatMap((s) => Object.entries(s.records)));
  const [recordsBefore, recordsAfter] = [records(base), records(next)];
  for (const type of Object.keys(recordsBefore))
    if (!recordsAfter[type]) emit(true, 'record-type-removed', type, `source record type ${type} was removed: its events will be rejected`);
  for (const type of Object.keys(recordsAfter)) if (!recordsBefore[type]) emit(false, 'record-type-added', type, `source record type ${type} was added`);
  return changes;
}
