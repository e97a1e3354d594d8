// A private Azurite for a test file: free ports, a temporary folder, stopped at the end.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectionStringFor, ensureAzurite, type AzuritePorts } from '../../host/azurite';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

export interface TestAzurite {
  connectionString: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startTestAzurite(): Promise<TestAzurite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-azurite-'));
  const ports: AzuritePorts = { blob: await freePort(), queue: await freePort(), table: await freePort() };
  const running = await ensureAzurite(dir, ports, () => {});
  return {
    connectionString: connectionStringFor(ports),
    dir,
    stop: async () => {
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
