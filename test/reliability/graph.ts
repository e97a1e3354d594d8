// The graph the reliability tests drive: the test data product (Person -> Team -> Project ->
// Client, a 3-hop carried path), generators of valid change events, CloudEvents for them, and
// every node's GraphQL answer in the oracle's form.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import fc from 'fast-check';
import { startHost, type RunningHost } from '../../host/main';
import { GRAPH_CONTRACTS, HOT_APP } from '../helpers/mesh-host';
import { principalHeader } from '../../core/auth/principal';
import { keyFieldOf, parseGlobalId, queryFieldNames } from '../../core/contracts/naming';
import type { ContractModel } from '../../core/contracts/model';
import { graphProduct } from '../fixtures/graph-product';
import type { NodeView, OracleEvent } from './oracle';

export const model = graphProduct.model;
export const OWNERS: Record<string, string> = { Person: 'hr', Team: 'org', Project: 'pm', Client: 'sales' };
export const LINKS: Array<[string, string, string, string]> = [
  ['Person', 'teams', 'Team', 'org'],
  ['Team', 'projects', 'Project', 'pm'],
  ['Project', 'client', 'Client', 'pm'],
];
export const FIELDS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  Person: fc.record({ name: fc.constantFrom('Ada', 'Bob', 'Cy', null), level: fc.integer({ min: 1, max: 9 }) }, { requiredKeys: [] }),
  Team: fc.record({ name: fc.constantFrom('Core', 'Edge', 'Ops'), size: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: [] }),
  Project: fc.record({ name: fc.constantFrom('Apollo', 'Gemini') }),
  Client: fc.record({ name: fc.constantFrom('Acme', 'Initech'), tier: fc.constantFrom('gold', 'silver') }, { requiredKeys: [] }),
};
const idOf = (type: string) => fc.constantFrom(...[1, 2].map((n) => `${type[0]!.toLowerCase()}${n}`));

export type Draft = Omit<OracleEvent, 'id' | 'sequence' | 'subject'> & { subject: [string, string] };

export const draft: fc.Arbitrary<Draft> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .constantFrom(...Object.keys(OWNERS))
      .chain((type) => fc.tuple(idOf(type), FIELDS[type]!).map(([id, data]): Draft => ({ source: OWNERS[type]!, type: 'upsert', subject: [type, id], data }))),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom(...LINKS), fc.nat(), fc.nat(), fc.boolean()).map(([[from, rel, to, owner], a, b, on]): Draft => ({
      source: owner,
      type: on ? 'link' : 'unlink',
      subject: [from, `${from[0]!.toLowerCase()}${(a % 2) + 1}`],
      data: { rel, to: `${to}/${to[0]!.toLowerCase()}${(b % 2) + 1}` },
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...Object.keys(OWNERS))
      .chain((type) => idOf(type).map((id): Draft => ({ source: OWNERS[type]!, type: 'delete', subject: [type, id] }))),
  },
);

/** A GraphQL query reading every node of the model by id, all fields, edges and carried rows. */
export function viewQuery(m: ContractModel): string {
  const parts = Object.values(m.types).map((node) => {
    const fields = [keyFieldOf(node), ...Object.keys(node.fields)];
    const edges = Object.values(node.edges).map((e) => `${e.name} { ${keyFieldOf(m.types[e.to]!)} }`);
    const carried = Object.values(node.denormalized).map((d) => `${d.name} { id ${Object.keys(d.fields).join(' ')} }`);
    return `${node.name}: ${queryFieldNames(node.name, node.plural).many}(ids: $${node.name}) { ${[...fields, ...edges, ...carried].join(' ')} }`;
  });
  return `query(${Object.keys(m.types)
    .map((t) => `$${t}: [ID!]!`)
    .join(', ')}) { ${parts.join(' ')} }`;
}

/** A GraphQL answer in the oracle's form: no nulls, edge ids, lists sorted by id. */
export function normalize(m: ContractModel, type: string, value: Record<string, any> | null): NodeView | null {
  if (!value) return null;
  const node = m.types[type]!;
  const out: NodeView = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === keyFieldOf(node)) {
      out[node.key] = v;
    } else if (node.edges[k]) {
      const key = keyFieldOf(m.types[node.edges[k].to]!);
      out[k] = Array.isArray(v) ? v.map((x: any) => x[key]).sort() : (v?.[key] ?? null);
    } else if (node.denormalized[k]) {
      // A carried neighbour's id is global (Type:key); the oracle keeps keys.
      const clean = (row: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(row)
            .filter(([, x]) => x !== null)
            .map(([f, x]) => [f, f === 'id' ? (parseGlobalId(String(x))?.id ?? x) : x]),
        );
      out[k] = Array.isArray(v) ? v.map(clean).sort((a: any, b: any) => (a.id < b.id ? -1 : 1)) : v ? clean(v) : null;
    } else if (v !== null) out[k] = v;
  }
  return out;
}

export function cloudEvents(events: OracleEvent[]): unknown[] {
  return events.map((e) => ({
    specversion: '1.0',
    id: e.id,
    source: e.source,
    type: e.type === 'upsert' || e.type === 'delete' ? `meshgraph.node.${e.type}` : `meshgraph.edge.${e.type}`,
    subject: e.subject,
    sequence: e.sequence,
    ...(e.data ? { data: e.data } : {}),
  }));
}

/** The GraphQL answers for `ids` (per type), in the oracle's form, `Type:id` → view or null. */
export async function answers(url: string, ids: Record<string, string[]>): Promise<Map<string, NodeView | null>> {
  const res = await fetch(`${url}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ms-client-principal': principalHeader(['pii.read']) },
    body: JSON.stringify({ query: viewQuery(model), variables: ids }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `GraphQL answered ${res.status}: ${text.slice(0, 1000)}`);
  const { data, errors } = JSON.parse(text) as { data: Record<string, Array<Record<string, unknown> | null>>; errors?: unknown };
  assert.equal(errors, undefined, JSON.stringify(errors));
  const out = new Map<string, NodeView | null>();
  for (const [type, list] of Object.entries(ids)) list.forEach((id, i) => out.set(`${type}:${id}`, normalize(model, type, data[type]![i] ?? null)));
  return out;
}

/** Inside a describe(): the hot app in an in-process host (memory store) on the test data product. */
export function useMemoryHost(label: string): { readonly host: RunningHost } {
  let host: RunningHost | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `meshgraph-${label}-`));
  before(async () => {
    Object.assign(process.env, {
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      MESH_CONTRACTS: GRAPH_CONTRACTS,
      MESH_DATA_DIR: dataDir,
      EventHubConnection: '',
    });
    host = await startHost({ apps: [{ name: 'hot', entry: HOT_APP }], port: 0, store: 'memory', log: () => {} });
  });
  after(async () => {
    await host?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get host(): RunningHost {
      if (!host) throw new Error('the host is not started (use it inside tests of the suite)');
      return host;
    },
  };
}
