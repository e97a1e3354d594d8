// Field builders: values at run time (a FieldSpec), value types at compile time (phantom
// parameters), so one declaration serves the compilers and the inferred TypeScript types.

export const FIELD_KINDS = ['text', 'keyword', 'int', 'float', 'bool', 'datetime', 'enum'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface FieldSpec {
  kind: FieldKind;
  list: boolean;
  /** Enum values (kind 'enum' only). */
  values?: readonly string[];
  searchable: boolean;
  facet: boolean;
  sortable: boolean;
  /** Part of the node's summary: what a neighbour carries by default. */
  summary: boolean;
  /** The role that may see the value; absent when the field is not personal data. */
  pii?: string;
  /** Source system that owns the field; defaults to the node type's owner. */
  owner?: string;
  /** Source-native records only: the field must be present and non-null. */
  required: boolean;
  description?: string;
}

/** A declared field. `T` is its value type, `R` whether a source record must carry it. */
export class Field<T, R extends boolean = false> {
  declare readonly valueType: T;
  declare readonly isRequired: R;
  constructor(readonly spec: FieldSpec) {}

  private with(patch: Partial<FieldSpec>): Field<T, R> {
    return new Field<T, R>({ ...this.spec, ...patch });
  }
  /** Full-text searchable (the `query` argument of search). */
  searchable(): Field<T, R> {
    return this.with({ searchable: true });
  }
  /** Counted in search facets. */
  facet(): Field<T, R> {
    return this.with({ facet: true });
  }
  sortable(): Field<T, R> {
    return this.with({ sortable: true });
  }
  summary(): Field<T, R> {
    return this.with({ summary: true });
  }
  /** Personal data, visible only to callers holding `role`. */
  pii(role: string): Field<T, R> {
    return this.with({ pii: role });
  }
  ownedBy(source: string): Field<T, R> {
    return this.with({ owner: source });
  }
  describe(description: string): Field<T, R> {
    return this.with({ description });
  }
  required(): Field<T, true> {
    return new Field<T, true>({ ...this.spec, required: true });
  }
  list(): Field<T[], R> {
    return new Field<T[], R>({ ...this.spec, list: true });
  }
}

function fieldOf<T>(kind: FieldKind, values?: readonly string[]): Field<T> {
  return new Field<T>({
    kind,
    list: false,
    ...(values ? { values } : {}),
    searchable: false,
    facet: false,
    sortable: false,
    summary: false,
    required: false,
  });
}

export const field = {
  /** Analysed text: found by words. */
  text: () => fieldOf<string>('text'),
  /** An exact string: codes, ids, names filtered as a whole. */
  keyword: () => fieldOf<string>('keyword'),
  int: () => fieldOf<number>('int'),
  float: () => fieldOf<number>('float'),
  bool: () => fieldOf<boolean>('bool'),
  /** An ISO 8601 date-time string. */
  datetime: () => fieldOf<string>('datetime'),
  enum: <const V extends readonly string[]>(values: V) => fieldOf<V[number]>('enum', values),
};

export type AnyField = Field<any, boolean>;
export type FieldMap = Record<string, AnyField>;
export type ValueOf<F> = F extends Field<infer T, boolean> ? T : never;

type RequiredKeys<FS extends FieldMap> = { [K in keyof FS]: FS[K] extends Field<unknown, true> ? K : never }[keyof FS];

/** A source-native record: required fields present, the others optional or null. */
export type InferRecord<FS extends FieldMap> = { [K in RequiredKeys<FS>]: ValueOf<FS[K]> } & {
  [K in Exclude<keyof FS, RequiredKeys<FS>>]?: ValueOf<FS[K]> | null;
};

/** Node fields as state holds them: any may be unknown yet (absent) or cleared (null). */
export type InferFieldValues<FS extends FieldMap> = { [K in keyof FS]?: ValueOf<FS[K]> | null };

/** Any value a field of any kind can hold. */
export type ScalarValue = string | number | boolean;
export type FieldValue = ScalarValue | ScalarValue[] | null;
