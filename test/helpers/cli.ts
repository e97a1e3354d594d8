// The `meshgraph` command line run as users run it (the bin, in a child process), and an HTTP
// server that records every request, to show that a command sent nothing.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** The checkout's bin: runs dist/cli/meshgraph.cjs, built first when older than its sources. */
export const CHECKOUT_BIN = path.join(__dirname, '../../cli/bin.cjs');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node BIN args` to its end; a run still going after `timeoutMs` is killed and reported as such. */
export function runBin(bin: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => {
    stderr += `\n[killed: still running after ${options.timeoutMs ?? 30_000} ms]`;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 30_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

export interface Recorder {
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP server that answers 503 to everything and remembers what was asked. */
export async function startRecorder(): Promise<Recorder> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
