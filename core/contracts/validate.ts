// Validation of a data product as a whole: resolution problems and model rules, all listed at
// once so a contract author fixes everything in one pass.
import { ConfigError } from '../errors';
import type { DataProductDef } from './dsl';
import type { ContractModel, ContractProblem } from './model';
import { checkModel } from './checks';
import { resolveDataProduct } from './resolve';

export type ValidationOutcome = { ok: true; model: ContractModel } | { ok: false; problems: ContractProblem[] };

export function validateDataProduct(def: DataProductDef): ValidationOutcome {
  const { model, problems } = resolveDataProduct(def);
  const all = [...problems, ...checkModel(model)];
  return all.length === 0 ? { ok: true, model } : { ok: false, problems: all };
}

/** A data product that cannot be used; the message lists every problem. */
export class ContractValidationError extends ConfigError {
  constructor(
    readonly problems: readonly ContractProblem[],
    moduleSpec = 'the data product',
  ) {
    super('MESH_CONTRACTS', `${moduleSpec} has ${problems.length} contract problem(s):\n  ${problems.map((p) => `[${p.code}] ${p.message}`).join('\n  ')}`);
  }
}

/** The resolved model, or a ContractValidationError listing every problem. */
export function resolveValidDataProduct(def: DataProductDef, moduleSpec?: string): ContractModel {
  const outcome = validateDataProduct(def);
  if (!outcome.ok) throw new ContractValidationError(outcome.problems, moduleSpec);
  return outcome.model;
}
