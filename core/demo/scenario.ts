// Recognises a data product's demo scenario (its types are in core/contracts/demo.ts).
import type { DemoScenario } from '../contracts/demo';

export function isDemoScenario(value: unknown): value is DemoScenario {
  const v = value as Partial<DemoScenario> | undefined;
  return typeof v === 'object' && v !== null && typeof v.neighbourhood === 'function' && typeof v.reference === 'function';
}
