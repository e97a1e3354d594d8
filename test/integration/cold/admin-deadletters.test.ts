// The cold app's dead-letter admin endpoints through the local host, on the dead letters the hot
// app wrote (the cold app reads them with its own plain-fetch table client).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloudEvent as ce, ingest, useMeshHost } from '../../helpers/mesh-host';
import { principalHeader } from '../../../core/auth/principal';
import { newDeadLetterId } from '../../../adapters/deadletter/rows';
import type { DeadLetter } from '../../../core/ports/dead-letters';

const ADMIN = { 'x-ms-client-principal': principalHeader(['mesh.admin']) };

let last = 0;
/** A dead letter stamped after every earlier one (so listing order is known). */
function letter(stage: DeadLetter['stage'], source: string, eventId: string, payload: unknown = null): DeadLetter {
  last = Math.max(Date.now(), last + 1);
  const at = new Date(last).toISOString();
  return { id: newDeadLetterId(at), at, stage, reason: `test ${eventId}`, eventId, source, payload };
}

describe('cold admin: dead letters', () => {
  const suite = useMeshHost({ withCold: true });
  const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) =>
    fetch(`${suite.mesh.host.url}/api/${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  const json = async (res: Response, status = 200) => {
    const text = await res.text();
    assert.equal(res.status, status, text);
    return JSON.parse(text);
  };
  const listAll = async (query: string): Promise<DeadLetter[]> => {
    const out: DeadLetter[] = [];
    let continuation: string | undefined;
    do {
      const page = await json(
        await call(`admin/deadletters?${query}${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ''}`, { headers: ADMIN }),
      );
      out.push(...page.items);
      continuation = page.continuation;
    } while (continuation);
    return out;
  };

  it('needs a signed-in caller with the role mesh.admin (401, 403, problem+json)', async () => {
    for (const [path, method] of [
      ['admin/deadletters', 'GET'],
      ['admin/deadletters/replay', 'POST'],
    ] as const) {
      for (const [headers, status] of [
        [{}, 401],
        [{ 'x-ms-client-principal': principalHeader(['pii.read']) }, 403],
      ] as const) {
        const res = await call(path, { method, headers, ...(method === 'POST' ? { body: { all: true } } : {}) });
        assert.equal(res.status, status, `${method} ${path}`);
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        assert.match(((await res.json()) as { detail: string }).detail, /mesh\.admin/);
      }
    }
  });

  it('lists dead letters page by page, oldest first, filtered by stage and source', async () => {
    await ingest(suite.mesh.host.url, [ce('sales', 'upsert', 'Person/x', 1, { name: 'Nope' }, 'dl-owner')]);
    await suite.mesh.deadLetters.put([letter('actor', 'hr', 'dl-actor'), letter('projection', 'org', 'dl-projection'), letter('trigger', 'hr', 'dl-trigger')]);
    const all = await listAll('top=2');
    assert.deepEqual(
      all.map((l) => l.eventId),
      ['dl-owner', 'dl-actor', 'dl-projection', 'dl-trigger'],
    );
    const owner = all[0]!;
    assert.equal(owner.stage, 'ingest');
    assert.match(owner.reason, /Person\.name is owned by hr; sales may not write it/);
    assert.equal((owner.payload as { id: string }).id, 'dl-owner', 'the event as it was sent');
    assert.deepEqual(
      (await listAll('top=1&source=hr')).map((l) => l.eventId),
      ['dl-actor', 'dl-trigger'],
    );
    assert.deepEqual(
      (await listAll('stage=projection')).map((l) => l.eventId),
      ['dl-projection'],
    );
    for (const [query, detail] of [
      ['stage=later', /stage must be one of ingest, trigger, actor, projection/],
      ['top=0', /top must be an integer from 1 to 1000/],
    ] as const) {
      const res = await call(`admin/deadletters?${query}`, { headers: ADMIN });
      assert.equal(res.status, 400, query);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.match(((await res.json()) as { detail: string }).detail, detail);
    }
  });

  it('replays chosen letters: a fixed event is applied and leaves the store; a still-bad one is rejected again; others are skipped', async () => {
    const fixed = letter('ingest', 'hr', 'dl-fixed', ce('hr', 'upsert', 'Person/replayed', 1, { name: 'Back' }, 'dl-fixed'));
    await suite.mesh.deadLetters.put([fixed]);
    const one = await json(await call('admin/deadletters/replay', { method: 'POST', headers: ADMIN, body: { ids: [fixed.id, 'no-such-id'] } }));
    assert.deepEqual(one, { replayed: 1, accepted: 1, rejected: [], skipped: [], unknownIds: ['no-such-id'] });
    await suite.mesh.host.runtime.idle();
    assert.equal((await suite.mesh.index.get('Person', 'Person:replayed'))?.body.name, 'Back');
    assert.ok(!(await listAll('top=100')).some((l) => l.id === fixed.id));

    const hr = await json(await call('admin/deadletters/replay', { method: 'POST', headers: ADMIN, body: { all: true, source: 'hr' } }));
    assert.equal(hr.replayed, 0, 'no letter from hr holds an event to send');
    assert.deepEqual(
      hr.skipped.map((s: { stage: string }) => s.stage),
      ['actor', 'trigger'],
    );

    const before = (await listAll('stage=ingest')).find((l) => l.eventId === 'dl-owner')!;
    const again = await json(await call('admin/deadletters/replay', { method: 'POST', headers: ADMIN, body: { all: true, stage: 'ingest' } }));
    assert.equal(again.replayed, 1);
    assert.equal(again.accepted, 0);
    assert.equal(again.rejected[0].eventId, 'dl-owner');
    assert.match(again.rejected[0].reason, /Person\.name is owned by hr/);
    const now = await listAll('stage=ingest');
    assert.ok(!now.some((l) => l.id === before.id), 'the replayed letter left');
    assert.equal(now.filter((l) => l.eventId === 'dl-owner').length, 1, 'and came back once, rejected again');
  });

  it('answers a replay request that names nothing, or both, or bad values, with 400 problem+json', async () => {
    for (const [body, detail] of [
      [{}, /name the dead letters to replay/],
      [{ all: true, ids: ['x'] }, /not both/],
      [{ ids: [] }, /non-empty array/],
      [{ all: true, stage: 'later' }, /stage must be one of/],
      [[1], /must be an object/],
    ] as const) {
      const res = await call('admin/deadletters/replay', { method: 'POST', headers: ADMIN, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.match(((await res.json()) as { detail: string }).detail, detail);
    }
    const notJson = await fetch(`${suite.mesh.host.url}/api/admin/deadletters/replay`, { method: 'POST', headers: ADMIN, body: '{' });
    assert.equal(notJson.status, 400);
  });
});
