// Where host-bound commands look for the host (--url, MESH_URL, PORT, 7071), and the check that
// fails at once, naming the URL and where it came from, when nothing answers there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { checkHost, HostUnreachable, hostUrl, namedHostUrl } from '../../../cli/host-url';
import { UsageError } from '../../../cli/args';
import { freePort } from '../../../host/harness/processes';

describe('host URL of the commands', () => {
  it('is --url, else MESH_URL, else localhost on PORT, else 7071', () => {
    assert.deepEqual(hostUrl('http://a:1/', 'x', '--url', { MESH_URL: 'http://b:2', PORT: '3' }), { url: 'http://a:1', from: '--url' });
    assert.deepEqual(hostUrl(undefined, 'x', '--url', { MESH_URL: 'http://b:2/', PORT: '3' }), { url: 'http://b:2', from: 'MESH_URL' });
    assert.deepEqual(hostUrl(undefined, 'x', '--url', { PORT: '7501' }), { url: 'http://localhost:7501', from: 'PORT=7501' });
    assert.deepEqual(hostUrl(undefined, 'x', '--url', { MESH_URL: ' ', PORT: '' }), { url: 'http://localhost:7071', from: 'the default' });
    assert.equal(namedHostUrl(undefined, 'x', '--url', { PORT: '7501' }), undefined, 'PORT alone names no host (connectors may use Event Hubs)');
  });

  it('refuses a URL that is not http(s), naming where it came from', () => {
    assert.throws(
      () => hostUrl(undefined, 'meshgraph demo', '--url', { MESH_URL: 'localhost:7071' }),
      (err: unknown) => err instanceof UsageError && /^MESH_URL must be an http\(s\) URL/.test(err.message),
    );
    assert.throws(
      () => hostUrl('not a url', 'meshgraph demo'),
      (err: unknown) => err instanceof UsageError && /^--url is not a URL/.test(err.message),
    );
  });

  it('fails at once when nothing listens, naming the URL and the setting', async () => {
    const port = await freePort();
    const host = hostUrl(undefined, 'x', '--url', { PORT: String(port) });
    await assert.rejects(checkHost(host), (err: unknown) => {
      assert.ok(err instanceof HostUnreachable);
      assert.match(err.message, new RegExp(`no meshgraph host answers at http://localhost:${port} \\(from PORT=${port}; set MESH_URL or pass --url`));
      assert.match(err.message, /ECONNREFUSED/);
      return true;
    });
  });

  it('gives up on a host that accepts connections but never answers', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => void held.push(socket)); // holds every connection open, answers nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      await assert.rejects(
        checkHost({ url, from: 'MESH_URL' }, 200),
        (err: unknown) => err instanceof HostUnreachable && err.message.includes(`at ${url} (from MESH_URL;`) && /no answer within 0.2 s/.test(err.message),
      );
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('any HTTP answer will do (a starting host answers 503)', async () => {
    const server = net.createServer((socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await checkHost({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, from: '--url' });
    } finally {
      server.close();
    }
  });
});
