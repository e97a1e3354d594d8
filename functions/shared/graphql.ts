// The hot app's GraphQL engine: the schema from the contracts, the prepared-query cache, the
// limits and persisted-query mode from the settings; built once per process on first use.
import { config } from '../../core/config';
import { GraphQLEngine } from '../../core/graphql/engine';
import { PersistedQueries } from '../../core/graphql/persisted';
import { buildMeshSchema, type MeshSchema } from '../../core/graphql/schema';
import { dataProduct } from './product';
import { queryRegistry } from './services';

export interface GraphQLService {
  mesh: MeshSchema;
  engine: GraphQLEngine;
  persisted: PersistedQueries;
}

let service: GraphQLService | undefined;

export function graphqlService(): GraphQLService {
  if (!service) {
    const settings = config().graphql;
    const mesh = buildMeshSchema(dataProduct().product.model);
    const limits = {
      maxDepth: settings.maxDepth,
      maxAliases: settings.maxAliases,
      maxCost: settings.maxCost,
      maxFirst: settings.maxFirst,
      maxQueryBytes: settings.maxQueryBytes,
      relationListCost: 20,
    };
    const engine = new GraphQLEngine(mesh.schema, { executor: settings.executor, limits });
    const persisted = new PersistedQueries(settings.persistedQueries, settings.persistedQueries === 'off' ? undefined : queryRegistry());
    service = { mesh, engine, persisted };
  }
  return service;
}
