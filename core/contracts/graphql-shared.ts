// The parts of the GraphQL schema that do not depend on the contract: the federation link, the
// Node interface, page info, facets and the filter inputs per field kind.
import type { FieldModel } from './model';
import { GLOBAL_ID_FIELD, SHARED_TYPES as T } from './naming';

/** A GraphQL description; JSON string escapes are valid GraphQL string escapes. */
export const describe = (text: string | undefined, indent = ''): string => (text ? `${indent}${JSON.stringify(text)}\n` : '');

export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

const comparable = (scalar: string) =>
  `eq: ${scalar}\n  in: [${scalar}!]\n  gt: ${scalar}\n  gte: ${scalar}\n  lt: ${scalar}\n  lte: ${scalar}\n  exists: Boolean`;

export const SHARED_SDL = `${FEDERATION_LINK}

"An ISO 8601 date-time with a zone, e.g. 2024-05-01T12:00:00Z."
scalar ${T.dateTime}

"Any node of the graph (Relay Global Object Identification): its id is global, \`Type:key\` (e.g. Customer:c1), and node(id:) finds it again."
interface ${T.node} {
  "The global id, \`Type:key\`."
  ${GLOBAL_ID_FIELD}: ID!
}

type ${T.pageInfo} @shareable {
  hasNextPage: Boolean!
  endCursor: String
}

type ${T.facetBucket} @shareable {
  value: String!
  count: Int!
}

"Counts of the matching nodes per value of one facet field."
type ${T.facet} @shareable {
  field: String!
  buckets: [${T.facetBucket}!]!
}

enum ${T.sortDirection} {
  ASC
  DESC
}

input ${T.idFilter} {
  eq: ID
  in: [ID!]
  exists: Boolean
}

input ${T.keywordFilter} {
  eq: String
  in: [String!]
  prefix: String
  exists: Boolean
}

"Text that is not sortable has no exact form to compare with: match it by words."
input ${T.textFilter} {
  match: String
  exists: Boolean
}

input ${T.sortableTextFilter} {
  match: String
  eq: String
  in: [String!]
  prefix: String
  exists: Boolean
}

input ${T.intFilter} {
  ${comparable('Int')}
}

input ${T.floatFilter} {
  ${comparable('Float')}
}

input ${T.dateTimeFilter} {
  ${comparable(T.dateTime)}
}

input ${T.booleanFilter} {
  eq: Boolean
  exists: Boolean
}
`;

/** The GraphQL output type of a field (without list or non-null wrappers); `enumType` for enums. */
export function scalarOf(f: FieldModel, enumType: string): string {
  switch (f.kind) {
    case 'int':
      return 'Int';
    case 'float':
      return 'Float';
    case 'bool':
      return 'Boolean';
    case 'datetime':
      return T.dateTime;
    case 'enum':
      return enumType;
    default:
      return 'String';
  }
}

/** The filter input of a field; `enumFilter` for enums (generated per enum, typed by its values). */
export function filterOf(f: FieldModel, enumFilter: string): string {
  switch (f.kind) {
    case 'int':
      return T.intFilter;
    case 'float':
      return T.floatFilter;
    case 'bool':
      return T.booleanFilter;
    case 'datetime':
      return T.dateTimeFilter;
    case 'enum':
      return enumFilter;
    case 'text':
      return f.sortable ? T.sortableTextFilter : T.textFilter;
    default:
      return T.keywordFilter;
  }
}
