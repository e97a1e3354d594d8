// The executable GraphQL schema of a contract model: the SDL the contract compiler generates
// (core/contracts/graphql.ts), plus what a Federation v2 subgraph serves to a router (`_service`,
// `_entities`), with the resolvers of core/graphql/resolvers.ts attached to its fields.
import { buildASTSchema, parse, type GraphQLSchema } from 'graphql';
import { compileGraphQL } from '../contracts/graphql';
import type { ContractModel } from '../contracts/model';
import { attachResolvers } from './resolvers';

/** Declarations the subgraph SDL uses or a router asks for, but does not itself declare. */
function federationSdl(model: ContractModel): string {
  const entities = Object.keys(model.types);
  return `
scalar _Any
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @link(url: String!, as: String, import: [String], for: String) repeatable on SCHEMA
${entities.length > 0 ? `union _Entity = ${entities.join(' | ')}` : ''}
type _Service {
  sdl: String
}
extend type Query {
  ${entities.length > 0 ? '_entities(representations: [_Any!]!): [_Entity]!' : ''}
  _service: _Service!
}
`;
}

export interface MeshSchema {
  schema: GraphQLSchema;
  /** The subgraph SDL as the contracts generate it (what `_service { sdl }` answers). */
  sdl: string;
}

export function buildMeshSchema(model: ContractModel): MeshSchema {
  const sdl = compileGraphQL(model);
  const schema = buildASTSchema(parse(sdl + federationSdl(model)), { assumeValidSDL: true });
  attachResolvers(schema, model, sdl);
  return { schema, sdl };
}
