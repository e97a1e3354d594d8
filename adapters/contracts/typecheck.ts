// Type-checks a data product module with the TypeScript compiler, as `tsc` would: a mapping that
// writes a string into an int field is a type error (change.upsert checks the fields against the
// node's types), which running the module under tsx or esbuild never reports. Used by
// `meshgraph contracts build` and `check`. Not exported from core/contracts' index: the apps
// import that, and must not carry the compiler.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ConfigError } from '../../core/errors';
import { resolveModuleFile } from './load';

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

/** Used when no tsconfig.json is found above the module: what the sample product is checked with. */
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noUncheckedIndexedAccess: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  skipLibCheck: true,
};

export interface ContractTypeCheck {
  /** The module file checked, or undefined when it is not TypeScript (nothing to check). */
  file?: string;
  /** The tsconfig.json whose compiler options were used, if one was found. */
  tsconfig?: string;
  /** One line per error: `file:line:column - error TSnnnn: message`, paths relative to `cwd`. */
  errors: string[];
}

function compilerOptions(file: string): { options: ts.CompilerOptions; tsconfig?: string; errors: readonly ts.Diagnostic[] } {
  const tsconfig = ts.findConfigFile(path.dirname(file), ts.sys.fileExists);
  if (!tsconfig) return { options: DEFAULT_OPTIONS, errors: [] };
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) return { options: DEFAULT_OPTIONS, tsconfig, errors: [read.error] };
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig), undefined, tsconfig);
  // Its `include`/`files` are the project's, not the product's: only the options are taken (a
  // project with no matching input is not an error here).
  return { options: parsed.options, tsconfig, errors: parsed.errors.filter((d) => d.code !== 18003) };
}

function format(diagnostic: ts.Diagnostic, cwd: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
  if (!diagnostic.file || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${path.relative(cwd, diagnostic.file.fileName)}:${line + 1}:${character + 1} - error TS${diagnostic.code}: ${message}`;
}

/**
 * Type errors of the module `moduleSpec` names (resolved as MESH_CONTRACTS is) and of every file
 * it imports outside node_modules. A package name or a JavaScript module is not checked.
 */
export function typecheckDataProduct(moduleSpec: string, cwd: string = process.cwd()): ContractTypeCheck {
  const file = resolveModuleFile(moduleSpec, cwd);
  if (!file || !TYPESCRIPT.test(file)) return { errors: [] };
  const key = `${cwd}\0${file}`;
  const cached = checks.get(key);
  if (cached && cached.inputs.every(([f, mtime]) => mtimeOf(f) === mtime)) return cached.result;
  const { options, tsconfig, errors: configErrors } = compilerOptions(file);
  const program = ts.createProgram({ rootNames: [file], options: { ...options, noEmit: true, incremental: false, composite: false } });
  const diagnostics: ts.Diagnostic[] = [...configErrors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || source.fileName.split(/[\\/]/).includes('node_modules')) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => format(d, cwd));
  const result = { file, ...(tsconfig ? { tsconfig } : {}), errors };
  const inputs = [...program.getSourceFiles().map((f) => f.fileName), ...(tsconfig ? [tsconfig] : [])];
  checks.set(key, { inputs: inputs.map((f) => [f, mtimeOf(f)]), result });
  return result;
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Checks by module, reused while none of the files they read changed: a command runs once per
 * process, but tests build and check the same products many times in one (1-2 s per check).
 */
const checks = new Map<string, { inputs: Array<[string, number]>; result: ContractTypeCheck }>();

/** A data product module with type errors: the message lists each with its file:line. */
export class ContractTypeError extends ConfigError {
  constructor(
    readonly errors: readonly string[],
    moduleSpec: string,
  ) {
    super(
      'MESH_CONTRACTS',
      `${moduleSpec} has ${errors.length} type error(s); a mapping with one may write values its fields do not hold:\n  ${errors.join('\n  ')}`,
    );
  }
}

/** Throws a ContractTypeError when the module has type errors; returns what was checked. */
export function assertDataProductTypes(moduleSpec: string, cwd: string = process.cwd()): ContractTypeCheck {
  const checked = typecheckDataProduct(moduleSpec, cwd);
  if (checked.errors.length > 0) throw new ContractTypeError(checked.errors, moduleSpec);
  return checked;
}
