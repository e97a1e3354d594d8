// The local host running the fixture app in memory: entity semantics, durable client, errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startFixtureHost, json, post } from '../../helpers/host';
import type { RunningHost } from '../../../host/main';

describe('local host (memory store)', () => {
  let host: RunningHost;
  before(async () => {
    host = await startFixtureHost('memory');
  });
  after(() => host.stop());

  it('signals and reads an entity through df.getClient from an HTTP function', async () => {
    assert.equal((await post(`${host.url}/api/counter/c1/add`, 5)).status, 202);
    assert.equal((await post(`${host.url}/api/counter/c1/add`, 7)).status, 202);
    await host.runtime.idle();
    const res = await fetch(`${host.url}/api/counter/c1`);
    assert.equal(res.status, 200);
    assert.equal((await json(res)).value, 12);
  });

  it('serializes operations on one entity (no lost read-modify-write)', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => post(`${host.url}/api/counter/serial/append`, i)));
    await host.runtime.idle();
    const state = await json(await fetch(`${host.url}/api/counter/serial`));
    assert.equal(state.log.length, 40);
    assert.deepEqual(
      [...state.log].map(Number).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  it('runs operations in arrival order', async () => {
    for (let i = 0; i < 15; i++) await post(`${host.url}/api/counter/ordered/append`, i);
    await host.runtime.idle();
    const state = await json(await fetch(`${host.url}/api/counter/ordered`));
    assert.deepEqual(
      state.log,
      Array.from({ length: 15 }, (_, i) => String(i)),
    );
  });

  it('delivers signals between entities', async () => {
    await post(`${host.url}/api/counter/from/forward`, { to: 'to', amount: 3 });
    await post(`${host.url}/api/counter/from/forward`, { to: 'to', amount: 4 });
    await host.runtime.idle();
    assert.equal((await json(await fetch(`${host.url}/api/counter/to`))).value, 7);
  });

  it('keeps the entity working after a failing operation, and counts the failure', async () => {
    const failedBefore = host.runtime.counters.failedOperations;
    await post(`${host.url}/api/counter/f/add`, 1);
    await post(`${host.url}/api/counter/f/fail`);
    await post(`${host.url}/api/counter/f/add`, 1);
    await host.runtime.idle();
    assert.equal(host.runtime.counters.failedOperations, failedBefore + 1);
    assert.equal((await json(await fetch(`${host.url}/api/counter/f`))).value, 2);
  });

  it('deletes an entity that destructs on exit', async () => {
    await post(`${host.url}/api/counter/gone/add`, 1);
    await post(`${host.url}/api/counter/gone/delete`);
    await host.runtime.idle();
    assert.equal((await fetch(`${host.url}/api/counter/gone`)).status, 404);
  });

  it('lists entities page by page through the durable HTTP API', async () => {
    for (const k of ['l1', 'l2', 'l3']) await post(`${host.url}/api/counter/${k}/add`, 1);
    await host.runtime.idle();
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const res: Response = await fetch(`${host.url}/runtime/webhooks/durabletask/entities/counter?top=2&fetchState=true`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      assert.equal(res.status, 200);
      const page = (await json(res)) as Array<{ entityId: { key: string }; state: { value: number } }>;
      assert.ok(page.length <= 2);
      seen.push(...page.map((e) => e.entityId.key));
      token = res.headers.get('x-ms-continuation-token');
    } while (token);
    for (const k of ['l1', 'l2', 'l3', 'c1']) assert.ok(seen.includes(k), `${k} listed`);
    assert.equal(new Set(seen).size, seen.length, 'no entity listed twice');
  });

  it('answers a throwing handler with a 500 problem+json carrying a correlation id, and stays up', async () => {
    const res = await fetch(`${host.url}/api/boom`, { headers: { 'x-correlation-id': 'test-corr-1' } });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const problem = await json(res);
    assert.equal(problem.correlationId, 'test-corr-1');
    assert.doesNotMatch(JSON.stringify(problem), /on purpose/, 'internals are masked');
    const health = await fetch(`${host.url}/api/health`);
    assert.equal(health.status, 200);
    assert.equal((await json(health)).status, 'ok');
  });

  it('reports its queue depths at /admin/host/status, as the Functions host reports its own state', async () => {
    const body = await json(await fetch(`${host.url}/admin/host/status`));
    assert.equal(body.state, 'Running');
    assert.equal(body.store, 'memory');
    assert.equal(body.pendingOperations, 0);
    assert.ok(body.operations > 0);
    const app = await json(await fetch(`${host.url}/api/health`));
    assert.equal(app.host, undefined, "the app's health answer is the app's own: no host reads into it");
  });

  it('answers unknown routes, wrong methods and malformed requests with 4xx problem+json', async () => {
    const cases: Array<[Promise<Response>, number]> = [
      [fetch(`${host.url}/api/no-such-route`), 404],
      [fetch(`${host.url}/elsewhere`), 404],
      [fetch(`${host.url}/api/counter/x/add`), 405],
      [post(`${host.url}/api/counter/x/add`, '{not json'), 400],
      [post(`${host.url}/runtime/webhooks/durabletask/entities/counter/x`), 400],
      [post(`${host.url}/runtime/webhooks/durabletask/entities/nosuchentity/x?op=add`), 404],
      [fetch(`${host.url}/runtime/webhooks/durabletask/instances/abc`), 404],
    ];
    for (const [request, status] of cases) {
      const res = await request;
      assert.equal(res.status, status, `${res.url} -> ${res.status}`);
    }
    const problem = await json(await fetch(`${host.url}/api/no-such-route`));
    assert.match(problem.detail, /no-such-route/);
  });

  it('answers a Host header that makes no URL with a 400 problem+json, not a 500', async () => {
    for (const hostHeader of ['a b', 'a:99999']) {
      const { status, headers, body } = await rawGet(host.port, '/api/health', hostHeader);
      assert.equal(status, 400, `Host: ${hostHeader}`);
      assert.equal(headers['content-type'], 'application/problem+json');
      assert.equal(JSON.parse(body).code, 'malformed-request-target');
    }
  });

  it("sends a function's whole answer with its Content-Length, not chunked", async () => {
    const res = await fetch(`${host.url}/api/health`);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(res.headers.get('transfer-encoding'), null);
    assert.equal(res.headers.get('content-length'), String(body.length));
    const signal = await post(`${host.url}/api/counter/c-length/add`, 1);
    assert.equal(signal.status, 202);
    assert.equal(signal.headers.get('content-length'), '0');
    const problem = await fetch(`${host.url}/api/no-such-route`);
    assert.equal(problem.headers.get('content-length'), String(Buffer.byteLength(await problem.text())));
  });

  it('gives every request its own route parameters, also on a path it has routed before', async () => {
    for (let i = 0; i < 3; i++) assert.deepEqual(await json(await fetch(`${host.url}/api/params/ada`)), { name: 'ada' });
  });
});

/** A GET written on a socket as is (fetch sets the Host header itself and refuses a malformed one). */
function rawGet(port: number, target: string, hostHeader: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket
      .setEncoding('latin1')
      .on('data', (d: string) => (text += d))
      .once('error', reject)
      .once('end', () => {
        const [head = '', ...rest] = text.split('\r\n\r\n');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
      });
  });
}
