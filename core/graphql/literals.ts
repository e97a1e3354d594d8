// Inline literals to variables. Clients that write `customer(id: "c42")` instead of using a
// variable would make every request a new document (parse, validate, compile again). The cache
// key is the query's token stream with literal values blanked out; on a miss, the literals that
// can be variables become variables `$_l<n>` of the type their position expects, so requests
// that differ only in such literals share one prepared document.
import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  TypeInfo,
  parseType,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';

const LITERAL_TOKENS: ReadonlySet<string> = new Set([TokenKind.STRING, TokenKind.BLOCK_STRING, TokenKind.INT, TokenKind.FLOAT]);

export interface Literal {
  kind: string;
  value: string;
  start: number;
}

export interface LiteralShape {
  /** The query with every literal value replaced by a placeholder. */
  key: string;
  literals: Literal[];
}

/** Tokenizes `query`; undefined when it does not lex (the parser then reports why). */
export function literalShape(query: string): LiteralShape | undefined {
  const lexer = new Lexer(new Source(query));
  const parts: string[] = [];
  const literals: Literal[] = [];
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (LITERAL_TOKENS.has(token.kind)) {
        literals.push({ kind: token.kind, value: token.value, start: token.start });
        parts.push(token.kind === TokenKind.INT || token.kind === TokenKind.FLOAT ? '#' : '"');
      } else {
        parts.push(token.value ?? token.kind);
      }
    }
  } catch {
    return undefined;
  }
  return { key: parts.join(' '), literals };
}

export interface Hoisted {
  /** Literal index → the variable it became and the type that position expects. */
  variables: Array<{ index: number; name: string; type: GraphQLInputType }>;
  /** Literal index → value that the document keeps inline (must match for a cache hit). */
  fixed: Map<number, string>;
  document: DocumentNode;
}

const VALUE_KIND: Record<string, Kind> = {
  [TokenKind.STRING]: Kind.STRING,
  [TokenKind.BLOCK_STRING]: Kind.STRING,
  [TokenKind.INT]: Kind.INT,
  [TokenKind.FLOAT]: Kind.FLOAT,
};

/** The value a literal token has in a position of `type`; undefined when it is not valid there. */
export function literalValue(literal: Literal, type: GraphQLInputType): unknown {
  const kind = VALUE_KIND[literal.kind];
  return kind ? valueFromAST({ kind, value: literal.value } as ValueNode, type) : undefined;
}

/**
 * Replaces the hoistable literals of `document` (parsed from the same text as `shape`) by
 * variables. Only a document with one operation is rewritten (fragments may be shared by
 * several operations, and variables belong to one).
 */
export function hoistLiterals(schema: GraphQLSchema, document: DocumentNode, shape: LiteralShape): Hoisted {
  const indexByStart = new Map(shape.literals.map((l, i) => [l.start, i]));
  const variables: Hoisted['variables'] = [];
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const ownNames = operations.flatMap((op) => op.variableDefinitions?.map((v) => v.variable.name.value) ?? []);
  if (operations.length === 1 && !ownNames.some((n) => n.startsWith('_l'))) {
    const typeInfo = new TypeInfo(schema);
    let inDirective = 0;
    let inVariableDefinition = 0;
    const replace = (node: ValueNode) => {
      if (inDirective > 0 || inVariableDefinition > 0) return undefined;
      const index = node.loc ? indexByStart.get(node.loc.start) : undefined;
      const type = typeInfo.getInputType();
      if (index === undefined || !type) return undefined;
      if (literalValue(shape.literals[index]!, type) === undefined) return undefined;
      const name = `_l${variables.length}`;
      variables.push({ index, name, type });
      return { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } };
    };
    document = visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Directive: { enter: () => void inDirective++, leave: () => void inDirective-- },
        VariableDefinition: { enter: () => void inVariableDefinition++, leave: () => void inVariableDefinition-- },
        StringValue: replace,
        IntValue: replace,
        FloatValue: replace,
      }),
    );
    if (variables.length > 0) {
      document = visit(document, {
        OperationDefinition: (op) => ({
          ...op,
          variableDefinitions: [
            ...(op.variableDefinitions ?? []),
            ...variables.map((v): VariableDefinitionNode => ({
              kind: Kind.VARIABLE_DEFINITION,
              variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: v.name } },
              type: parseType(String(v.type), { noLocation: true }),
            })),
          ],
        }),
      });
    }
  }
  const hoisted = new Set(variables.map((v) => v.index));
  const fixed = new Map<number, string>();
  shape.literals.forEach((l, i) => {
    if (!hoisted.has(i)) fixed.set(i, l.value);
  });
  return { variables, fixed, document };
}

/** The variables a request's literals give, or undefined when one is not valid where it stands. */
export function literalVariables(hoisted: Pick<Hoisted, 'variables' | 'fixed'>, shape: LiteralShape): Record<string, unknown> | undefined {
  for (const [index, value] of hoisted.fixed) if (shape.literals[index]?.value !== value) return undefined;
  const out: Record<string, unknown> = {};
  for (const v of hoisted.variables) {
    const value = literalValue(shape.literals[v.index]!, v.type);
    if (value === undefined) return undefined;
    out[v.name] = value;
  }
  return out;
}
