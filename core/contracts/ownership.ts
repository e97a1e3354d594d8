// Ownership: each field and each edge belongs to one source system. A change written by another
// source is rejected with a reason that names both, so the sender knows whom to ask.
import type { CanonicalChange } from './dsl';
import type { ContractModel } from './model';

/** Why `source` may not make this change; empty when it may. Unknown names are reported too. */
export function ownershipProblems(model: ContractModel, source: string, change: CanonicalChange): string[] {
  const node = model.types[change.type];
  if (!node) return [`unknown node type ${change.type}`];
  switch (change.op) {
    case 'upsert':
      return Object.keys(change.fields).flatMap((name) => {
        const f = node.fields[name];
        if (!f) return [`${change.type}.${name} is not a field of ${change.type}`];
        return f.owner === source ? [] : [`${change.type}.${name} is owned by ${f.owner}; ${source} may not write it`];
      });
    case 'delete':
      return node.owner === source ? [] : [`${change.type} nodes are owned by ${node.owner}; ${source} may not delete them`];
    default: {
      const e = node.edges[change.rel];
      if (!e) return [`${change.type}.${change.rel} is not an edge of ${change.type}`];
      if (e.to !== change.toType) return [`${change.type}.${change.rel} links to ${e.to}, not ${change.toType}`];
      return e.owner === source ? [] : [`edge ${change.type}.${change.rel} is owned by ${e.owner}; ${source} may not ${change.op} it`];
    }
  }
}
