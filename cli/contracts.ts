// `meshgraph contracts build --out DIR` and `meshgraph contracts check --base DIR [--out DIR]`.
// Exit codes: 0 done (no breaking change), 1 breaking changes found, 2 bad usage or contracts.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildArtifacts, compareModels, contractsModuleSetting, loadDataProduct, reindexNeeds } from '../core/contracts';
import { assertDataProductTypes } from '../core/contracts/typecheck';
import type { CompiledDataProduct, ContractChange, ContractModel } from '../core/contracts';
import { ConfigError, UserError, errorMessage } from '../core/errors';

export const CONTRACTS_USAGE = `usage: meshgraph contracts <command> [--contracts MODULE]

  build --out DIR              write schema.graphql, elasticsearch/<type>.json, jsonschema/*.json,
                               contract.json (the model, for later checks) and records.md (each
                               source record's columns) to DIR
  check --base DIR [--out DIR] compare with the build in DIR; exit 1 listing each breaking change,
                               0 listing the compatible ones, and each type whose search index
                               needs a reindex; --out also writes the new build

  --contracts MODULE           the data product module (default: MESH_CONTRACTS, else contracts/telecom)

  Both type-check a TypeScript module first (as tsc would): exit 2 listing each error's file:line.
`;

/** Where a command writes; tests pass their own. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}
const PROCESS_OUTPUT: CommandOutput = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

const OPTIONS = { out: { type: 'string' }, base: { type: 'string' }, contracts: { type: 'string' } } as const;

/** Writes a build; the generated folders are emptied first so no stale file survives a rename. */
async function writeBuild(compiled: CompiledDataProduct, outDir: string, io: CommandOutput): Promise<number> {
  const files = buildArtifacts(compiled);
  for (const folder of ['elasticsearch', 'jsonschema']) await rm(path.join(outDir, folder), { recursive: true, force: true });
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(outDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  io.err(`contracts ${compiled.model.name} (version ${compiled.version}): wrote ${Object.keys(files).length} files to ${outDir}\n`);
  return Object.keys(files).length;
}

async function readBaseModel(baseDir: string): Promise<{ version: string; model: ContractModel }> {
  const file = path.join(baseDir, 'contract.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(400, 'no-base-build', `no earlier build at ${file}: run "meshgraph contracts build --out ${baseDir}" on the base version first`);
  }
  const parsed = JSON.parse(text) as { version?: string; model?: ContractModel };
  if (!parsed.model?.types) throw new UserError(400, 'bad-base-build', `${file} is not a meshgraph contract build`);
  return { version: parsed.version ?? 'unknown', model: parsed.model };
}

export function formatChanges(changes: readonly ContractChange[]): string {
  const ordered = [...changes.filter((c) => c.breaking), ...changes.filter((c) => !c.breaking)];
  return ordered.map((c) => `${c.breaking ? 'BREAKING  ' : 'compatible'}  ${c.rule.padEnd(20)} ${c.message}\n`).join('');
}

async function check(compiled: CompiledDataProduct, baseDir: string, outDir: string | undefined, io: CommandOutput): Promise<number> {
  const base = await readBaseModel(baseDir);
  const changes = compareModels(base.model, compiled.model);
  const breaking = changes.filter((c) => c.breaking).length;
  io.out(formatChanges(changes));
  // Not a failure: the index is disposable, but its types must be rebuilt after the deployment.
  for (const need of reindexNeeds(base.model, compiled.model)) io.out(`REINDEX     ${need.type}: search mapping changed (${need.differences.join('; ')}); run "meshgraph reindex --type ${need.type}" after deploying\n`);
  io.out(`${breaking} breaking, ${changes.length - breaking} compatible change(s) from ${baseDir} (version ${base.version} -> ${compiled.version})\n`);
  if (outDir) await writeBuild(compiled, outDir, io);
  return breaking > 0 ? 1 : 0;
}

export async function contractsCommand(args: string[], io: CommandOutput = PROCESS_OUTPUT): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    io.err(`meshgraph contracts: ${errorMessage(err)}\n\n${CONTRACTS_USAGE}`);
    return 2;
  }
  const [sub] = parsed.positionals;
  const { out, base, contracts } = parsed.values;
  if (sub === 'help' || sub === undefined) {
    io.out(CONTRACTS_USAGE);
    return sub ? 0 : 2;
  }
  if ((sub === 'build' && !out) || (sub === 'check' && !base) || (sub !== 'build' && sub !== 'check')) {
    io.err(`meshgraph contracts: ${sub === 'build' ? 'build needs --out DIR' : sub === 'check' ? 'check needs --base DIR' : `unknown command "${sub}"`}\n\n${CONTRACTS_USAGE}`);
    return 2;
  }
  try {
    const spec = contracts ?? contractsModuleSetting();
    assertDataProductTypes(spec);
    const compiled = await loadDataProduct(spec);
    if (sub === 'build') {
      await writeBuild(compiled, out as string, io);
      return 0;
    }
    return await check(compiled, base as string, out, io);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UserError) {
      io.err(`meshgraph contracts: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
