// The hot app in the local host on a private Azurite, with the graph-test contracts and its own
// data folder: what the ingestion tests and some benchmarks run against.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost, type RunningHost } from '../main';
import { openSqliteStore } from '../../adapters/search/sqlite';
import type { ProjectionStore } from '../../core/projection/port';
import { TableDeadLetterStore } from '../../adapters/deadletter/table';

export const HOT_APP = path.join(__dirname, '../../functions/index.ts');
export const COLD_APP = path.join(__dirname, '../../functions/cold/index.ts');
export const GRAPH_CONTRACTS = 'test/fixtures/graph-product.ts';
/** The sample data product the apps default to. */
export const TELECOM_CONTRACTS = 'contracts/telecom';

export interface MeshHostOptions {
  /** The data product (MESH_CONTRACTS); default: the graph-test contracts. */
  contracts?: string;
  /** Where entities live; default: the private Azurite. */
  store?: 'memory' | 'azurite';
}

export interface MeshHost {
  host: RunningHost;
  dataDir: string;
  index: ProjectionStore;
  deadLetters: TableDeadLetterStore;
  stop(): Promise<void>;
}

export async function startMeshHost(
  connectionString: string,
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-data-')),
  withCold = false,
  options: MeshHostOptions = {},
): Promise<MeshHost> {
  Object.assign(process.env, {
    AzureWebJobsStorage: connectionString,
    MESH_CONTRACTS: options.contracts ?? GRAPH_CONTRACTS,
    MESH_DATA_DIR: dataDir,
    EventHubConnection: '',
  });
  const apps = [{ name: 'hot', entry: HOT_APP }, ...(withCold ? [{ name: 'cold', entry: COLD_APP }] : [])];
  const host = await startHost({ apps, port: 0, store: options.store ?? 'azurite', log: () => {} });
  const index = openSqliteStore(dataDir);
  return {
    host,
    dataDir,
    index,
    deadLetters: new TableDeadLetterStore(connectionString),
    stop: async () => {
      await host.stop();
      await index.close();
    },
  };
}

let n = 0;
export function cloudEvent(source: string, type: 'upsert' | 'delete' | 'link' | 'unlink', subject: string, sequence: number, data?: unknown, id = `t${++n}`) {
  const kind = type === 'upsert' || type === 'delete' ? 'node' : 'edge';
  return { specversion: '1.0', id, source, type: `meshgraph.${kind}.${type}`, subject, sequence, ...(data === undefined ? {} : { data }) };
}

export async function ingest(url: string, events: unknown[], wait = true): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/events${wait ? '?wait=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
