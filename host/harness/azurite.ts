// A private Azurite for a test file: free ports, a temporary folder, stopped at the end. It is
// started without a data directory's marker: the first host that uses it claims it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionStringFor, startAzurite, type AzuritePorts } from '../azurite';
import { freePort } from './processes';

export interface TestAzurite {
  connectionString: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startTestAzurite(): Promise<TestAzurite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-azurite-'));
  const ports: AzuritePorts = { blob: await freePort(), queue: await freePort(), table: await freePort() };
  const running = await startAzurite(path.join(dir, 'azurite'), ports, () => {});
  return {
    connectionString: connectionStringFor(ports),
    dir,
    stop: async () => {
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
