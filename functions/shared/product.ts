// The compiled data product of this app, compiled once per process on first use.
import { compileDataProduct, type CompiledDataProduct } from '../../core/contracts/compile';
import { productOf } from '../../adapters/contracts/load';
import { computeNeeds, type Needs } from '../../core/graph/needs';
import { productModule } from './product-module';

let compiled: { product: CompiledDataProduct; needs: Needs } | undefined;

export function dataProduct(): { product: CompiledDataProduct; needs: Needs } {
  if (!compiled) {
    const { exports, spec } = productModule();
    const product = compileDataProduct(productOf(exports, spec), spec);
    compiled = { product, needs: computeNeeds(product.model) };
  }
  return compiled;
}
