// A search index that refuses writes for a while: the nodes keep their documents pending, say so
// in /api/health, and write them once it is back, with no further event (the retry timer asks).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudEvent as ce, ingest, useMeshHost } from '../../helpers/mesh-host';
import { projectionStore } from '../../../functions/shared/projections';
import type { ProjectionStore } from '../../../core/projection/port';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('documents a store refused are written once it is back, without a new event', () => {
  const suite = useMeshHost({ store: 'memory' });

  it('keeps them pending, reports them, and writes every one', async () => {
    const { url } = suite.mesh.host;
    // The app was loaded from source in this process: its store is this module's (the index the
    // hot app writes). Make it refuse every bulk, as an unreachable cluster would.
    const store = (await projectionStore()) as ProjectionStore;
    const bulk = store.bulk.bind(store);
    store.bulk = async () => {
      throw new Error('connect ECONNREFUSED (the search cluster is down, test)');
    };
    const ids = Array.from({ length: 20 }, (_, i) => `out${i}`);
    const res = await ingest(
      url,
      ids.map((id) => ce('hr', 'upsert', `Person/${id}`, 1, { name: `Person ${id}` })),
      false,
    );
    assert.equal(res.status, 202);
    let health: any;
    for (let i = 0; i < 100; i++) {
      health = await (await fetch(`${url}/api/health`)).json();
      if (health.projection.pending.documents === ids.length) break;
      await sleep(100);
    }
    assert.equal(health.projection.pending.documents, ids.length, JSON.stringify(health));
    assert.ok(health.projection.pending.oldestMs >= 0);
    assert.equal(await suite.mesh.index.get('Person', 'Person:out0'), undefined);
    await sleep(2500); // retries go on meanwhile, and fail
    store.bulk = bulk;
    // No event from here: the retry timer has every pending node write its document.
    for (let i = 0; i < 200; i++) {
      health = await (await fetch(`${url}/api/health`)).json();
      if (health.projection.pending.documents === 0) break;
      await sleep(100);
    }
    assert.equal(health.projection.pending.documents, 0, JSON.stringify(health.projection));
    const docs = await suite.mesh.index.mget(
      'Person',
      ids.map((id) => `Person:${id}`),
    );
    assert.deepEqual(
      docs.map((d) => d?.body.name),
      ids.map((id) => `Person ${id}`),
    );
  });
});
