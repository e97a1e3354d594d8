// `meshgraph queries register FILE [--out MANIFEST]`: stores the named operations of a .graphql
// file as the hot app's registered operations (the safelist of MESH_GRAPHQL_PERSISTED_QUERIES=
// safelist, and persisted queries clients may send by hash), and writes a manifest of them.
import { readFile, writeFile } from 'node:fs/promises';
import { GraphQLError } from 'graphql';
import { loadConfig } from '../core/config';
import { operationsOf } from '../core/graphql/operations';
import { buildMeshSchema } from '../core/graphql/schema';
import { TableQueryRegistry } from '../adapters/graphql/table-registry';
import type { CommandIO, Parsed } from './args';
import type { QUERIES_REGISTER } from './commands';
import { loadProduct } from './product';

export async function queriesCommand({ values, positionals }: Parsed<typeof QUERIES_REGISTER>, io: CommandIO): Promise<number> {
  const file = positionals[0]!;
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    io.err(`cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const cfg = loadConfig();
  const { schema } = buildMeshSchema((await loadProduct(values.contracts)).model);
  let operations;
  try {
    operations = operationsOf(schema, source);
  } catch (err) {
    const where = err instanceof GraphQLError && err.locations?.[0] ? `${file}:${err.locations[0].line}:${err.locations[0].column}: ` : `${file}: `;
    io.err(`${where}${(err as Error).message}\n`);
    return 1;
  }
  const cs = cfg.storage.connectionString;
  if (!cs) throw new Error('setting AzureWebJobsStorage: a connection string is needed to register operations');
  try {
    await new TableQueryRegistry(cs).register(operations);
  } catch (err) {
    io.err(`cannot store the operations (${(err as Error).message}); is the host (npm start) or Azurite running?\n`);
    return 1;
  }
  for (const op of operations) io.out(`${op.hash}  ${op.name}\n`);
  if (values.out)
    await writeFile(values.out, JSON.stringify({ operations: operations.map(({ name, hash, query }) => ({ name, sha256Hash: hash, query })) }, null, 2) + '\n');
  io.err(`registered ${operations.length} operation(s)${values.out ? `; manifest: ${values.out}` : ''}\n`);
  return 0;
}
