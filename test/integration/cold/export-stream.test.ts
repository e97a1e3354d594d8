// GET /api/export streams: NDJSON leaves the cold app page by page while the entity listing is
// still being read, and what arrives is every node of the type, once, each line valid JSON.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHost, type RunningHost } from '../../../host/main';
import { COLD_APP, GRAPH_CONTRACTS } from '../../helpers/mesh-host';
import type { NodeState } from '../../../core/graph/node-state';

const PAGES = 12;
const PER_PAGE = 500; // what the export asks for

/** A Person (or, every third, a Team: the export must skip other types) as the actor keeps it. */
function stateOf(i: number): NodeState {
  const [t, src] = i % 3 === 2 ? ['Team', 'org'] : ['Person', 'hr'];
  const cell = (v: string | number) => ({ v, k: '00000000000000000001', src, ev: `e${i}`, at: '2024-01-01T00:00:00.000Z' });
  return {
    type: t,
    id: `n${i}`,
    fields: t === 'Person' ? { name: cell(`Person ${i}`), email: cell(`p${i}@example.org`) } : { name: cell(`Team ${i}`) },
    edges: {},
    neighbours: {},
    sent: {},
    ver: 1,
    history: [],
  };
}

describe('export streaming', () => {
  let host: RunningHost;
  /** How many listing pages the host had served when each event happened. */
  let served = 0;
  /** The listing page that fails (the durable API answering 500), if any. */
  let failAt: number | undefined;
  let firstBytesAt: number | undefined;
  let releaseSecondPage: () => void = () => {};
  const secondPageAsked = new Promise<void>((resolve) => (releaseSecondPage = resolve));

  before(async () => {
    process.env.MESH_CONTRACTS = GRAPH_CONTRACTS;
    host = await startHost({ apps: [{ name: 'cold', entry: COLD_APP }], port: 0, store: 'memory', log: () => {} });
    // The listing the durable client API serves: PAGES pages of entities; the second page waits
    // until the caller has seen bytes (or 10 s, so a buffering export fails instead of hanging).
    host.runtime.list = async (name: string, top: number, continuation?: string) => {
      assert.equal(name, 'node');
      assert.equal(top, PER_PAGE);
      const page = continuation ? Number(continuation) : 0;
      if (page === failAt) throw new Error('listing failed');
      if (page === 1) await Promise.race([secondPageAsked, new Promise((r) => setTimeout(r, 10_000).unref())]);
      served++;
      const entities = Array.from({ length: PER_PAGE }, (_, j) => {
        const s = stateOf(page * PER_PAGE + j);
        return { id: `@node@${s.type}:${s.id}`, lastOperationTime: 0, state: JSON.stringify(s) };
      });
      return { entities, ...(page + 1 < PAGES ? { continuation: String(page + 1) } : {}) } as Awaited<ReturnType<RunningHost['runtime']['list']>>;
    };
  });
  after(() => host.stop());

  it('sends the first nodes before the listing is read to the end, and every node once as valid NDJSON', async () => {
    const res = await fetch(`${host.url}/api/export?type=Person`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      if (firstBytesAt === undefined) {
        firstBytesAt = served;
        releaseSecondPage();
      }
      text += decoder.decode(chunk, { stream: true });
    }
    assert.equal(firstBytesAt, 1, 'the first page reached the caller before the second was listed');
    assert.equal(served, PAGES);
    assert.ok(text.endsWith('\n'));
    const lines = text
      .slice(0, -1)
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; type: string; fields: Record<string, unknown>; masked?: string[] });
    const expected = Array.from({ length: PAGES * PER_PAGE }, (_, i) => i)
      .filter((i) => i % 3 !== 2)
      .map((i) => `Person:n${i}`);
    assert.deepEqual(
      lines.map((l) => l.id),
      expected,
      'every Person in listing order, once, no Team',
    );
    assert.ok(lines.every((l) => l.type === 'Person' && typeof l.fields.name === 'string' && !('email' in l.fields) && l.masked?.includes('email')));
  });

  it('cuts the answer short when the listing fails midway, so it cannot pass for complete', async () => {
    failAt = 3;
    const res = await fetch(`${host.url}/api/export?type=Person`);
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), 'reading the body fails instead of ending cleanly');
  });

  it('answers 500 problem+json when the listing fails before anything was sent', async () => {
    failAt = 0;
    const res = await fetch(`${host.url}/api/export?type=Person`);
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    failAt = undefined;
  });

  it('still answers an unknown type with a 404 problem before any streaming', async () => {
    const res = await fetch(`${host.url}/api/export?type=Robot`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
  });
});
