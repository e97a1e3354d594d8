// The durable client keeps connections alive; a server closes an idle one after its keep-alive
// timeout, and a request sent on it at that moment fails with ECONNRESET ("socket hang up").
// The client sends such a request once more on a new connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { DurableHttpClient } from '../../../adapters/durable/http-client';

describe('durable HTTP client on kept-alive connections', () => {
  let server: http.Server;
  let base: string;
  const served: string[] = [];
  const requestsPerSocket = new Map<Socket, number>();

  before(async () => {
    // Answers the first request of each connection; drops the connection at its second one
    // without answering, as a server does that closes an idle connection as a request arrives.
    server = http.createServer((req, res) => {
      const n = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, n);
      if (n > 1) return void req.socket.destroy();
      req.resume();
      req.on('end', () => {
        served.push(`${req.method} ${req.url}`);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/runtime/webhooks/durabletask/`;
  });
  after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

  it('sends a request again on a new connection when the kept-alive one was closed under it', async () => {
    const client = new DurableHttpClient({ rpcBaseUrl: base });
    await client.signal('node', 'Person:a', 'apply', { n: 1 });
    await client.signal('node', 'Person:b', 'apply', { n: 2 });
    assert.deepEqual(served, [
      'POST /runtime/webhooks/durabletask/entities/node/Person%3Aa?op=apply',
      'POST /runtime/webhooks/durabletask/entities/node/Person%3Ab?op=apply',
    ]);
    assert.equal(requestsPerSocket.size, 2, 'the second signal went out on the kept-alive connection first, then on a new one');
  });
});
