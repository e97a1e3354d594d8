// One validated, mapped change with the origin that orders it: what ingestion hands a node.
import type { CanonicalChange } from '../contracts/dsl';
import type { OrderKey } from './order';

export interface NodeEvent {
  id: string;
  source: string;
  k: OrderKey;
  time?: string;
  change: CanonicalChange;
}
