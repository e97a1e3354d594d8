// Loads the data product named by MESH_CONTRACTS (a path relative to the working directory, or a
// package name) and compiles it. The module exports the product as default or as its only export.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, errorMessage } from '../../core/errors';
import type { DataProductDef } from '../../core/contracts/dsl';
import { compileDataProduct } from '../../core/contracts/compile';
import type { CompiledDataProduct } from '../../core/contracts/compile';
import { contractsModuleSetting, MODULE_EXTENSIONS as EXTENSIONS, resolveModuleFile } from './module-file';

export { contractsModuleSetting, resolveModuleFile };

function looksLikeProduct(value: unknown): value is DataProductDef {
  const v = value as Partial<DataProductDef> | undefined;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && Array.isArray(v.types) && typeof v.sources === 'object';
}

export function productOf(exports: Record<string, unknown>, spec: string): DataProductDef {
  const nested = (exports['default'] as Record<string, unknown> | undefined)?.['default'];
  for (const candidate of [exports['default'], nested]) if (looksLikeProduct(candidate)) return candidate;
  const named = Object.values(exports).filter(looksLikeProduct);
  if (named.length === 1 && named[0]) return named[0];
  throw new ConfigError('MESH_CONTRACTS', `module ${spec} must export a data product (dataProduct({...})) as default or as its only export`);
}

export async function loadDataProduct(moduleSpec: string = contractsModuleSetting(), cwd: string = process.cwd()): Promise<CompiledDataProduct> {
  const isPath = moduleSpec.startsWith('.') || moduleSpec.startsWith('/') || (moduleSpec.includes('/') && !moduleSpec.startsWith('@'));
  const file = resolveModuleFile(moduleSpec, cwd);
  if (isPath && !file)
    throw new ConfigError('MESH_CONTRACTS', `no module at ${moduleSpec} (looked in ${path.resolve(cwd, moduleSpec)}{${EXTENSIONS.join(',')}} and its index)`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(file ? pathToFileURL(file).href : moduleSpec)) as Record<string, unknown>;
  } catch (thrown) {
    throw new ConfigError('MESH_CONTRACTS', `cannot load ${moduleSpec}: ${errorMessage(thrown)}`);
  }
  return compileDataProduct(productOf(exports, moduleSpec), moduleSpec);
}
