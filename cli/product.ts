// The data product a command works with: --contracts, else MESH_CONTRACTS, else the telecom
// sample. A path is looked up in the current folder, then in the meshgraph package (where the
// sample ships, which matters when meshgraph is installed). A TypeScript product needs a loader:
// the bundled command line registers tsx only then, so commands that load none start fast.
import path from 'node:path';
import { type CompiledDataProduct } from '../core/contracts';
import { contractsModuleSetting, loadDataProduct, resolveModuleFile } from '../adapters/contracts/load';
import { PACKAGE_ROOT } from './package';

export interface ProductLocation {
  spec: string;
  /** The folder the spec is relative to. */
  base: string;
  /** Its file, when the spec is a path that exists. */
  file?: string;
}

export function locateProduct(explicit?: string, cwd = process.cwd()): ProductLocation {
  const spec = explicit ?? contractsModuleSetting();
  for (const base of [cwd, PACKAGE_ROOT]) {
    const file = resolveModuleFile(spec, base);
    if (file) return { spec, base, file };
  }
  return { spec, base: cwd };
}

/** The module specifier tsx answers to; a variable, so neither the bundler nor tsc resolves it. */
const TYPESCRIPT_LOADER = 'tsx';

async function loaderFor(file: string | undefined): Promise<void> {
  // With `node --import tsx` (tests, npm scripts run from source) the loader is already there.
  if (file && /\.[cm]?tsx?$/.test(file) && !require.extensions['.ts']) await import(TYPESCRIPT_LOADER);
}

/** The data product after a type check of its TypeScript module (contracts build and check). */
export async function loadCheckedProduct(explicit?: string): Promise<CompiledDataProduct> {
  const at = locateProduct(explicit);
  // Loaded here only: the compiler is large, and only these commands check a product's types.
  const { assertDataProductTypes } = await import('../adapters/contracts/typecheck');
  assertDataProductTypes(at.spec, at.base);
  return loadProduct(explicit);
}

export async function loadProduct(explicit?: string): Promise<CompiledDataProduct> {
  const at = locateProduct(explicit);
  await loaderFor(at.file);
  return loadDataProduct(at.spec, at.base);
}

/**
 * Readies MESH_CONTRACTS for the app build, which resolves it against the package's folder: a
 * product found in the current folder of an installed package is named by its absolute path.
 */
export async function productForBuild(): Promise<void> {
  const at = locateProduct();
  await loaderFor(at.file);
  if (at.file && path.resolve(at.base) !== path.resolve(PACKAGE_ROOT)) process.env['MESH_CONTRACTS'] = at.file;
}
