// `meshgraph queries register FILE [--out MANIFEST]`: stores the named operations of a .graphql
// file as the hot app's registered operations (the safelist of MESH_GRAPHQL_PERSISTED_QUERIES=
// safelist, and persisted queries clients may send by hash), and writes a manifest of them.
import { readFile, writeFile } from 'node:fs/promises';
import { GraphQLError } from 'graphql';
import { applyLocalSettings } from '../host/settings';
import { loadConfig } from '../core/config';
import { loadDataProduct } from '../core/contracts';
import { operationsOf } from '../core/graphql/operations';
import { buildMeshSchema } from '../core/graphql/schema';
import { TableQueryRegistry } from '../adapters/graphql/table-registry';
import { option } from './args';

const USAGE = 'usage: meshgraph queries register FILE.graphql [--out manifest.json] [--contracts MODULE]';

export async function queriesCommand(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'register' || !file || file.startsWith('--')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  applyLocalSettings();
  const cfg = loadConfig();
  const { schema } = buildMeshSchema((await loadDataProduct(option(args, 'contracts') ?? cfg.contractsModule)).model);
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  let operations;
  try {
    operations = operationsOf(schema, source);
  } catch (err) {
    const where = err instanceof GraphQLError && err.locations?.[0] ? `${file}:${err.locations[0].line}:${err.locations[0].column}: ` : `${file}: `;
    process.stderr.write(`${where}${(err as Error).message}\n`);
    return 1;
  }
  const cs = cfg.storage.connectionString;
  if (!cs) throw new Error('setting AzureWebJobsStorage: a connection string is needed to register operations');
  try {
    await new TableQueryRegistry(cs).register(operations);
  } catch (err) {
    process.stderr.write(`cannot store the operations (${(err as Error).message}); is the host (npm start) or Azurite running?\n`);
    return 1;
  }
  for (const op of operations) process.stdout.write(`${op.hash}  ${op.name}\n`);
  const out = option(args, 'out');
  if (out) await writeFile(out, JSON.stringify({ operations: operations.map(({ name, hash, query }) => ({ name, sha256Hash: hash, query })) }, null, 2) + '\n');
  process.stderr.write(`registered ${operations.length} operation(s)${out ? `; manifest: ${out}` : ''}\n`);
  return 0;
}
