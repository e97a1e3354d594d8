// `meshgraph contracts build --out DIR` and `meshgraph contracts check --base DIR [--out DIR]`.
// Both type-check a TypeScript product first (as tsc would). Exit codes: 0 done (no breaking
// change), 1 breaking changes found, 2 bad usage, type errors or contract problems.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildArtifacts, compareModels, reindexNeeds } from '../core/contracts';
import type { CompiledDataProduct, ContractChange, ContractModel } from '../core/contracts';
import { UserError } from '../core/errors';
import type { CommandIO, Parsed } from './args';
import type { CONTRACTS_BUILD, CONTRACTS_CHECK } from './commands';
import { loadCheckedProduct } from './product';

/** Writes a build; the generated folders are emptied first so no stale file survives a rename. */
async function writeBuild(compiled: CompiledDataProduct, outDir: string, io: CommandIO): Promise<number> {
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

async function check(compiled: CompiledDataProduct, baseDir: string, outDir: string | undefined, io: CommandIO): Promise<number> {
  const base = await readBaseModel(baseDir);
  const changes = compareModels(base.model, compiled.model);
  const breaking = changes.filter((c) => c.breaking).length;
  io.out(formatChanges(changes));
  // Not a failure: the index is disposable, but its types must be rebuilt after the deployment.
  for (const need of reindexNeeds(base.model, compiled.model))
    io.out(`REINDEX     ${need.type}: search mapping changed (${need.differences.join('; ')}); run "meshgraph reindex --type ${need.type}" after deploying\n`);
  io.out(`${breaking} breaking, ${changes.length - breaking} compatible change(s) from ${baseDir} (version ${base.version} -> ${compiled.version})\n`);
  if (outDir) await writeBuild(compiled, outDir, io);
  return breaking > 0 ? 1 : 0;
}

export async function contractsBuildCommand({ values }: Parsed<typeof CONTRACTS_BUILD>, io: CommandIO): Promise<number> {
  await writeBuild(await loadCheckedProduct(values.contracts), values.out, io);
  return 0;
}

export async function contractsCheckCommand({ values }: Parsed<typeof CONTRACTS_CHECK>, io: CommandIO): Promise<number> {
  const compiled = await loadCheckedProduct(values.contracts);
  try {
    return await check(compiled, values.base, values.out, io);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    io.err(`meshgraph contracts check: ${err.message}\n`); // no earlier build there: bad usage
    return 2;
  }
}
