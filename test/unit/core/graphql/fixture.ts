// A GraphQL test bed: the telecom contracts' schema over a real SQLite index in a temp folder,
// seeded with projection documents shaped as the node actors write them; store calls counted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../../adapters/search/sqlite';
import { compileDataProduct } from '../../../../core/contracts/compile';
import { principalHeader, principalFrom } from '../../../../core/auth/principal';
import { createContext } from '../../../../core/graphql/context';
import { GraphQLEngine, type ExecutorKind } from '../../../../core/graphql/engine';
import { DEFAULT_LIMITS } from '../../../../core/graphql/limits';
import { buildMeshSchema } from '../../../../core/graphql/schema';
import { indexSpecOf } from '../../../../core/contracts/index-spec';
import type { ProjectionDoc, ProjectionStore } from '../../../../core/projection/port';
import telecom from '../../../../contracts/telecom';

export const model = compileDataProduct(telecom).model;

const CITIES = ['Oslo', 'Lima', 'Pune', 'Kyiv'];
const SEGMENTS = ['consumer', 'business', 'vip'];

export function telecomDocs(customers: number): ProjectionDoc[] {
  const docs: ProjectionDoc[] = [];
  for (let i = 1; i <= customers; i++) {
    const accounts = [`a${i}`, `a${i}b`];
    docs.push({
      id: `Customer:c${i}`,
      type: 'Customer',
      version: 1,
      body: {
        id: `c${i}`,
        name: i === 1 ? 'Ada Lovelace' : `Customer ${i}`,
        email: `c${i}@example.com`,
        segment: SEGMENTS[i % 3],
        city: CITIES[i % 4],
        createdAt: `2024-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`,
        accounts,
        accountSummaries: accounts.map((a, k) => ({ id: a, status: k === 0 ? 'active' : 'suspended', balance: i + k })),
      },
    });
    accounts.forEach((a, k) =>
      docs.push({
        id: `Account:${a}`,
        type: 'Account',
        version: 1,
        body: { id: a, status: k === 0 ? 'active' : 'suspended', balance: i + k, currency: 'EUR', owner: `c${i}` },
      }),
    );
  }
  return docs;
}

export interface Bed {
  store: ProjectionStore;
  calls: string[];
  engine: GraphQLEngine;
  run(query: string, variables?: Record<string, unknown>, roles?: string[], operationName?: string): Promise<any>;
  close(): Promise<void>;
}

export async function openBed(executor: ExecutorKind = 'jit', customers = 60, limits = {}): Promise<Bed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-gql-'));
  const sqlite = openSqliteStore(dir);
  for (const node of Object.values(model.types)) {
    const { index } = await sqlite.createIndex(indexSpecOf(node, 1));
    await sqlite.swapAlias(node.name, index);
  }
  await sqlite.bulk(telecomDocs(customers));
  const calls: string[] = [];
  const counted = new Proxy(sqlite, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(prop)}:${String(args[0])}`);
        return value.apply(target, args);
      };
    },
  });
  const { schema } = buildMeshSchema(model);
  const all = { ...DEFAULT_LIMITS, maxQueryBytes: 32_768, ...limits };
  const engine = new GraphQLEngine(schema, { executor, limits: all });
  return {
    store: counted,
    calls,
    engine,
    async run(query, variables, roles = [], operationName) {
      const op = engine.operation({ query, variables, operationName });
      if ('errors' in op) return { errors: op.errors.map((e) => e.toJSON()) };
      const principal = roles.length ? principalFrom(principalHeader(roles)) : principalFrom(undefined);
      const result = await engine.execute(op, createContext(counted, principal, { maxFirst: all.maxFirst, totalUpTo: 10_000 }));
      return JSON.parse(JSON.stringify(result));
    },
    close: async () => {
      await sqlite.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
