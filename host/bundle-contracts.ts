// Which data product a built app holds. The build compiles the product MESH_CONTRACTS names into
// dist/<app>/main.js and records it next to it (BUNDLE_CONTRACTS_FILE: the product's name, its
// model version, the module and a hash of the source files it was built from). When the local
// host loads a built app, it compares that record with the product MESH_CONTRACTS names now and
// refuses to start, naming both, when they differ: `--no-build` after a contract change would
// otherwise serve the old schema without a word.
//
// Cheap on the usual path: when MESH_CONTRACTS names the same module and its source files hash as
// at build time (a few small files), nothing is loaded. Only when they differ is the product
// loaded and compiled, so an edit that leaves the model as it was (a comment) still starts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors';

export const BUNDLE_CONTRACTS_FILE = 'contracts.json';

export interface BundleContracts {
  /** The data product's name (`dataProduct({ name })`). */
  name: string;
  /** Its model version (core/contracts/compile.ts contractVersion: a hash of the model). */
  version: string;
  /** MESH_CONTRACTS at build time. */
  module: string;
  /** The module's file, relative to the build's root (forward slashes). */
  file: string;
  /** Every source file the module was bundled from (core/contracts included), relative to the root. */
  inputs: string[];
  /** sha256 of the inputs' contents, in order (sourcesHash). */
  sources: string;
}

const posix = (p: string) => p.split(path.sep).join('/');

/** The hash of the files, in order; a missing file hashes as such (so it never matches). */
export function sourcesHash(root: string, inputs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const input of inputs) {
    hash.update(input).update('\0');
    try {
      hash.update(fs.readFileSync(path.resolve(root, input)));
    } catch {
      hash.update('\0missing\0');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function writeBundleContracts(dir: string, record: BundleContracts): void {
  fs.writeFileSync(path.join(dir, BUNDLE_CONTRACTS_FILE), JSON.stringify(record, null, 2) + '\n');
}

function readBundleContracts(dir: string): BundleContracts | undefined {
  const file = path.join(dir, BUNDLE_CONTRACTS_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BundleContracts>;
    if (
      typeof parsed.name === 'string' &&
      typeof parsed.version === 'string' &&
      typeof parsed.file === 'string' &&
      Array.isArray(parsed.inputs) &&
      typeof parsed.sources === 'string'
    )
      return parsed as BundleContracts;
  } catch {
    // reported below as unreadable
  }
  throw new ConfigError('MESH_CONTRACTS', `${file} is not a record of a build's data product: rebuild (npm run build, or npm start without --no-build)`);
}

export interface CurrentProduct {
  /** MESH_CONTRACTS now. */
  module: string;
  /** Its file, when it is a path that exists. */
  file?: string;
  /** Loads and compiles it (only called when the fast comparison fails). */
  load(): Promise<{ name: string; version: string }>;
}

/**
 * Refuses (a ConfigError naming both products) when the built app in `appDir` holds another data
 * product than `current`, or a different version of it. Apps run from source (an entry that is not
 * a built .js bundle) have nothing to compare and pass.
 */
export async function checkBundleContracts(
  appName: string,
  entry: string,
  root: string,
  current: CurrentProduct,
): Promise<'source' | 'same-sources' | 'same-model'> {
  if (!/\.c?js$/.test(entry)) return 'source';
  const dir = path.dirname(path.resolve(root, entry));
  const built = readBundleContracts(dir);
  const rebuild = 'rebuild (npm run build, or npm start without --no-build)';
  const shown = posix(path.relative(root, dir)) || '.';
  if (!built)
    throw new ConfigError(
      'MESH_CONTRACTS',
      `${shown} has no ${BUNDLE_CONTRACTS_FILE} saying which data product it holds (built by an older meshgraph?): ${rebuild}`,
    );
  const sameFile = current.file !== undefined && posix(path.relative(root, current.file)) === built.file;
  if (sameFile && sourcesHash(root, built.inputs) === built.sources) return 'same-sources';
  let now: { name: string; version: string };
  try {
    now = await current.load();
  } catch (err) {
    throw new ConfigError(
      'MESH_CONTRACTS',
      `${shown} (app ${appName}) holds data product "${built.name}" (version ${built.version}, built from ${built.module}), and MESH_CONTRACTS=${current.module} cannot be loaded to compare: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (now.name === built.name && now.version === built.version) return 'same-model';
  const what = now.name === built.name ? `version ${now.version} of "${now.name}"` : `data product "${now.name}" (version ${now.version})`;
  throw new ConfigError(
    'MESH_CONTRACTS',
    `${shown} (app ${appName}) holds data product "${built.name}" (version ${built.version}, built from ${built.module}), but MESH_CONTRACTS=${current.module} is ${what}: ${rebuild}`,
  );
}
