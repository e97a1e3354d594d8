// GraphQL search arguments → the store's filter AST and sort keys, refusing what the caller may
// not use: filtering or sorting on personal data without its role would leak the masked values.
import { GraphQLError } from 'graphql';
import type { Principal } from '../auth/principal';
import type { FieldModel, NodeModel } from '../contracts/model';
import type { Filter, Scalar, SortKey } from '../projection/filter';

type Input = Record<string, unknown>;

const COMPARISONS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

export function badInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}

export function forbiddenField(what: string, role: string): GraphQLError {
  return new GraphQLError(`${what} is personal data: it needs the role ${role}`, { extensions: { code: 'FORBIDDEN_FIELD', role } });
}

function checkRole(field: FieldModel | undefined, path: string, use: string, who: Principal): void {
  if (field?.pii !== undefined && !who.roles.has(field.pii)) throw forbiddenField(`${use} on ${path}`, field.pii);
}

/**
 * A key as a caller may give it: the key itself, or the global id `Type:key` (what `id` answers).
 * A key that itself starts with `Type:` must be given as a global id.
 */
export function keyOf(type: string, value: unknown): string {
  const text = String(value);
  return text.startsWith(`${type}:`) && text.length > type.length + 1 ? text.slice(type.length + 1) : text;
}

export const keyOfInput = (node: NodeModel, value: unknown): string => keyOf(node.name, value);

type Normalize = (value: Scalar) => Scalar;
const asIs: Normalize = (v) => v;

/** The leaves of one field's filter input (`{eq, in, gt, ..., prefix, exists, match}`), ANDed. */
function leaves(path: string, input: Input, words: string[], normalize: Normalize = asIs): Filter[] {
  const out: Filter[] = [];
  for (const [op, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if ((COMPARISONS as readonly string[]).includes(op)) out.push({ field: path, op: op as (typeof COMPARISONS)[number], value: normalize(value as Scalar) });
    else if (op === 'in') out.push({ field: path, op: 'in', value: (value as Scalar[]).map(normalize) });
    else if (op === 'prefix') out.push({ field: path, op: 'prefix', value: value as string });
    else if (op === 'exists') out.push({ field: path, op: 'exists', value: value as boolean });
    else if (op === 'match') words.push(String(value));
    else throw badInput(`unknown filter operator ${op} on ${path}`);
  }
  return out;
}

export interface SearchInputs {
  filter?: Filter;
  /** Words of `match` operators; the store matches them over the searchable fields. */
  words: string[];
}

function fieldsOf(node: NodeModel, input: Input, who: Principal, words: string[]): Filter[] {
  const out: Filter[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if (key === 'and' || key === 'or') {
      const parts = (value as Input[]).map((v) => combine(fieldsOf(node, v, who, words)));
      out.push(key === 'and' ? { and: parts } : { or: parts });
    } else if (key === 'not') {
      out.push({ not: combine(fieldsOf(node, value as Input, who, words)) });
    } else if (key === node.key) {
      out.push(...leaves(key, value as Input, words, (v) => keyOf(node.name, v)));
    } else if (node.edges[key]) {
      const to = node.edges[key].to;
      out.push(...leaves(key, value as Input, words, (v) => keyOf(to, v)));
    } else if (node.fields[key]) {
      checkRole(node.fields[key], `${node.name}.${key}`, 'filtering', who);
      out.push(...leaves(key, value as Input, words));
    } else if (node.denormalized[key]) {
      const carried = node.denormalized[key];
      for (const [name, sub] of Object.entries(value as Input)) {
        if (sub === undefined || sub === null) continue;
        checkRole(carried.fields[name], `${node.name}.${key}.${name}`, 'filtering', who);
        out.push(...leaves(`${key}.${name}`, sub as Input, words, name === 'id' ? (v) => keyOf(carried.target, v) : asIs));
      }
    } else {
      throw badInput(`${node.name} has no field ${key} to filter on`);
    }
  }
  return out;
}

const combine = (parts: Filter[]): Filter => (parts.length === 1 ? parts[0]! : { and: parts });

export function searchInputs(node: NodeModel, filter: Input | undefined | null, who: Principal): SearchInputs {
  const words: string[] = [];
  if (!filter) return { words };
  const parts = fieldsOf(node, filter, who, words);
  return parts.length === 0 ? { words } : { filter: combine(parts), words };
}

export function sortKeys(node: NodeModel, sort: Array<{ field: string; direction?: string }> | undefined | null, who: Principal): SortKey[] | undefined {
  if (!sort || sort.length === 0) return undefined;
  return sort.map(({ field, direction }) => {
    const order = direction === 'DESC' ? 'desc' : 'asc';
    const carried = Object.values(node.denormalized).find((d) => field.startsWith(`${d.name}_`));
    if (carried) {
      const name = field.slice(carried.name.length + 1);
      checkRole(carried.fields[name], `${node.name}.${carried.name}.${name}`, 'sorting', who);
      return { field: `${carried.name}.${name}`, order };
    }
    checkRole(node.fields[field], `${node.name}.${field}`, 'sorting', who);
    return { field, order };
  });
}
