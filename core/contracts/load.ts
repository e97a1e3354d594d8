// Loads the data product named by MESH_CONTRACTS (a path relative to the working directory, or a
// package name) and compiles it. The module exports the product as default or as its only export.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, errorMessage } from '../errors';
import { SETTINGS } from '../config';
import type { DataProductDef } from './dsl';
import { compileDataProduct } from './compile';
import type { CompiledDataProduct } from './compile';

const EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs'];

/** MESH_CONTRACTS or its default, without requiring the settings that only the apps need. */
export function contractsModuleSetting(env: Record<string, string | undefined> = process.env): string {
  const configured = env['MESH_CONTRACTS']?.trim();
  return configured || (SETTINGS.find((s) => s.name === 'MESH_CONTRACTS')?.default ?? 'contracts/telecom');
}

/** A file for a module path: as is, with an extension, or a folder's index. */
export function resolveModuleFile(spec: string, cwd: string): string | undefined {
  const base = path.resolve(cwd, spec);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

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
  const isPath = moduleSpec.startsWith('.') || moduleSpec.startsWith('/') || moduleSpec.includes('/') && !moduleSpec.startsWith('@');
  const file = resolveModuleFile(moduleSpec, cwd);
  if (isPath && !file) throw new ConfigError('MESH_CONTRACTS', `no module at ${moduleSpec} (looked in ${path.resolve(cwd, moduleSpec)}{${EXTENSIONS.join(',')}} and its index)`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(file ? pathToFileURL(file).href : moduleSpec)) as Record<string, unknown>;
  } catch (thrown) {
    throw new ConfigError('MESH_CONTRACTS', `cannot load ${moduleSpec}: ${errorMessage(thrown)}`);
  }
  return compileDataProduct(productOf(exports, moduleSpec), moduleSpec);
}
