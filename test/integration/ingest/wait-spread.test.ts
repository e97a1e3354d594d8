// `?wait=true` answers once every reaction the accepted events caused is applied and searchable:
// here a rename that travels through a spilled relation's bucket chains and two more hops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudEvent as ce, ingest, useMeshHost } from '../../helpers/mesh-host';

const N = 200;
const k = (i: number) => String(i).padStart(3, '0');

async function seed(url: string): Promise<void> {
  // Client acme <- 200 projects (past the spill threshold); each project <- its team <- its person.
  const events = [ce('sales', 'upsert', 'Client/acme', 1, { name: 'Acme' })];
  for (let i = 0; i < N; i++) {
    events.push(
      ce('pm', 'upsert', `Project/p${k(i)}`, 1, { name: `P${i}` }),
      ce('pm', 'link', `Project/p${k(i)}`, 2, { rel: 'client', to: 'Client/acme' }),
      ce('org', 'upsert', `Team/t${k(i)}`, 1, { name: `T${i}` }),
      ce('pm', 'link', `Team/t${k(i)}`, 2, { rel: 'projects', to: `Project/p${k(i)}` }),
      ce('hr', 'upsert', `Person/h${k(i)}`, 1, { name: `H${i}` }),
      ce('org', 'link', `Person/h${k(i)}`, 2, { rel: 'teams', to: `Team/t${k(i)}` }),
    );
  }
  assert.equal((await ingest(url, events)).status, 202);
}

describe('?wait=true covers the spread', () => {
  const suite = useMeshHost({ store: 'memory', seed: (mesh) => seed(mesh.host.url).then(() => mesh.host.runtime.idle()) });

  it('a rename answers applied once every node three hops away carries the new name', async () => {
    const { url } = suite.mesh.host;
    const res = await ingest(url, [ce('sales', 'upsert', 'Client/acme', 5, { name: 'Acme Renamed' })]);
    assert.equal(res.status, 202);
    assert.equal(res.body.applied, true, JSON.stringify(res.body));
    // Right after the answer, with nothing else waited for: every person shows the new name.
    const ids = Array.from({ length: N }, (_, i) => `h${k(i)}`);
    const gql = await fetch(`${url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($ids: [ID!]!) { persons(ids: $ids) { key clients { name } } }', variables: { ids } }),
    });
    const { data } = (await gql.json()) as { data: { persons: Array<{ key: string; clients: Array<{ name: string }> }> } };
    const stale = data.persons.filter((p) => p.clients[0]?.name !== 'Acme Renamed').map((p) => p.key);
    assert.deepEqual(stale, [], `${stale.length} of ${N} persons still show the old name`);
    // The wait entity of the request is gone once answered.
    await suite.mesh.host.runtime.idle();
    const left = await fetch(`${url}/runtime/webhooks/durabletask/entities/wait?fetchState=true&top=100`);
    assert.deepEqual(await left.json(), []);
  });

  it('a rejected event and a no-op repeat answer applied without waiting for anything else', async () => {
    const { url } = suite.mesh.host;
    const res = await ingest(url, [
      ce('sales', 'upsert', 'Client/acme', 5, { name: 'Acme Renamed' }),
      { specversion: '1.0', id: 'bad', source: 'sales', type: 'nope' },
    ]);
    assert.equal(res.body.accepted, 1);
    assert.equal(res.body.applied, true);
  });
});
