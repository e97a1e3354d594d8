// Where the data product module MESH_CONTRACTS names is: the setting and its file. Apart from
// load.ts (which re-exports both) so that the local host can compare a build with the setting
// without loading the contract compilers.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { settingDefault } from '../../core/config';

export const MODULE_EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs'];

/** MESH_CONTRACTS or its default, without requiring the settings that only the apps need. */
export function contractsModuleSetting(env: Record<string, string | undefined> = process.env): string {
  const configured = env['MESH_CONTRACTS']?.trim();
  return configured || settingDefault('MESH_CONTRACTS');
}

/** A file for a module path: as is, with an extension, or a folder's index. */
export function resolveModuleFile(spec: string, cwd: string): string | undefined {
  const base = path.resolve(cwd, spec);
  const candidates = [base, ...MODULE_EXTENSIONS.map((e) => base + e), ...MODULE_EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}
