// The contract model (plain JSON) for apps that only read it, like the cold app. From source it
// is compiled at run time; the bundler replaces this file with the model compiled at build time
// (cli/build.ts), so the cold bundle carries no compiler, ajv or GraphQL.
import type { ContractModel } from '../../core/contracts/model';
import { dataProduct } from './product';

export function contractModel(): ContractModel {
  return dataProduct().product.model;
}
