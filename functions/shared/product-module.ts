// The data product module named by MESH_CONTRACTS, loaded at run time from source (tsx, tests).
// The bundler replaces this file with a static import of the build's MESH_CONTRACTS (cli/build.ts),
// so a deployed app carries its contracts and needs no compiler or loader at run time.
import path from 'node:path';
import { contractsModuleSetting } from '../../adapters/contracts/load';

export function productModule(): { exports: Record<string, unknown>; spec: string } {
  const spec = contractsModuleSetting();
  const resolved = spec.startsWith('.') || spec.includes('/') ? path.resolve(process.cwd(), spec) : spec;
  return { exports: require(resolved) as Record<string, unknown>, spec };
}
