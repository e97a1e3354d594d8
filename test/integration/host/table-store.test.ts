// The table entity store on a real Azurite: which ids have a row is known after a scan at open,
// so reading a never-seen entity costs no request, and every entity with a row is still read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestAzurite, type TestAzurite } from '../../helpers/azurite';
import { TableEntityStore } from '../../../host/entities/table-store';
import { instanceId } from '../../../host/entities/store';

describe('table entity store', () => {
  let azurite: TestAzurite;
  before(async () => {
    azurite = await startTestAzurite();
  });
  after(() => azurite.stop());

  it('finds at open every entity with a row (odd ids too), and answers for the others without a request', async () => {
    const table = `rowindex${Date.now()}`;
    const ids = ['Person:p1', 'Person:a/b?c#d%20e', 'Team:t 1'].map((key) => instanceId('node', key));
    const first = new TableEntityStore(azurite.connectionString, table);
    await first.open();
    for (const [i, id] of ids.entries()) await (await first.commit({ entity: { id, exists: true, state: JSON.stringify({ n: i }), lastOperationTime: 1 }, consumed: [], emitted: [] })).delivered;
    await first.close();

    const second = new TableEntityStore(azurite.connectionString, table);
    await second.open();
    assert.equal(await second.rowIndexReady(), true);
    const requests: string[] = [];
    const client = (second as unknown as { client: { getEntity: (pk: string, rk: string) => Promise<unknown> } }).client;
    const getEntity = client.getEntity.bind(client);
    client.getEntity = (pk, rk) => {
      requests.push(rk);
      return getEntity(pk, rk);
    };
    for (const [i, id] of ids.entries()) assert.deepEqual(JSON.parse((await second.read(id))?.state ?? 'null'), { n: i }, id);
    assert.equal(requests.length, ids.length);
    assert.equal(await second.read(instanceId('node', 'Person:never')), undefined);
    assert.equal(requests.length, ids.length, 'a never-seen entity is not read from the table');
    // Committed here after the scan: read from the table again.
    const later = instanceId('node', 'Person:later');
    await (await second.commit({ entity: { id: later, exists: true, state: '{"n":9}', lastOperationTime: 2 }, consumed: [], emitted: [] })).delivered;
    assert.equal((await second.read(later))?.state, '{"n":9}');
    await second.close();
  });
});
