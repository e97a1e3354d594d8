// Operations of a .graphql file, each as its own document (the operation and the fragments it
// uses), validated against the schema: what `meshgraph queries register` stores for safelists.
import {
  GraphQLError,
  Kind,
  parse,
  print,
  validate,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { sha256 } from './persisted';

export interface RegisteredOperation {
  name: string;
  /** The text clients send (or whose hash they send). */
  query: string;
  hash: string;
}

function fragmentsUsed(node: DefinitionNode, fragments: Map<string, FragmentDefinitionNode>, into: Set<string>): void {
  visit(node, {
    FragmentSpread(spread) {
      const name = spread.name.value;
      const fragment = fragments.get(name);
      if (into.has(name) || !fragment) return;
      into.add(name);
      fragmentsUsed(fragment, fragments, into);
    },
  });
}

/** Splits `source` into named operations; throws a GraphQLError naming what is wrong. */
export function operationsOf(schema: GraphQLSchema, source: string): RegisteredOperation[] {
  const document = parse(source);
  const errors = validate(schema, document);
  if (errors.length > 0) throw errors[0]!;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const out: RegisteredOperation[] = [];
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    if (!d.name) throw new GraphQLError('every registered operation needs a name (query Name { ... })', { nodes: [d] });
    const used = new Set<string>();
    fragmentsUsed(d, fragments, used);
    const own: DocumentNode = { kind: Kind.DOCUMENT, definitions: [d, ...[...used].map((n) => fragments.get(n)!)] };
    const query = print(own);
    out.push({ name: d.name.value, query, hash: sha256(query) });
  }
  if (out.length === 0) throw new GraphQLError('the file holds no operation');
  return out;
}
