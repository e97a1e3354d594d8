// The memory store packs states it has not written lately: what comes back must be what went in,
// whichever generation an entity sits in, and listing must see every generation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryEntityStore } from '../../../host/entities/memory-store';
import { instanceId, type StoredEntity } from '../../../host/entities/store';

const entity = (key: string, state: string | undefined, exists = true, at = 1_700_000_000_000): StoredEntity => ({
  id: instanceId('node', key),
  exists,
  state: exists ? state : undefined,
  lastOperationTime: at,
});

describe('memory entity store', () => {
  it('reads back every entity exactly, plain or packed', async () => {
    const store = new MemoryEntityStore(3); // generations of 3: most of these end up packed
    const written = Array.from({ length: 20 }, (_, i) =>
      entity(`T:${i}`, JSON.stringify({ i, name: `nœud ${i} ✓`, pad: 'x'.repeat(i * 50) }), i % 7 !== 3, 1_700_000_000_000 + i),
    );
    written.push(entity('T:nostate', undefined));
    for (const e of written) await store.commit({ entity: e, consumed: [], emitted: [] });
    for (const e of written) assert.deepEqual(await store.read(e.id), e);
    assert.equal(await store.read(instanceId('node', 'T:unknown')), undefined);
  });

  it('a packed entity written again reads as its newest state', async () => {
    const store = new MemoryEntityStore(2);
    await store.commit({ entity: entity('T:a', '{"v":1}'), consumed: [], emitted: [] });
    for (let i = 0; i < 6; i++) await store.commit({ entity: entity(`T:f${i}`, '{}'), consumed: [], emitted: [] });
    await store.commit({ entity: entity('T:a', '{"v":2}'), consumed: [], emitted: [] });
    for (let i = 0; i < 6; i++) await store.commit({ entity: entity(`T:g${i}`, '{}'), consumed: [], emitted: [] });
    assert.equal((await store.read(instanceId('node', 'T:a')))?.state, '{"v":2}');
  });

  it('lists the existing entities of one name across generations, in id order, page by page', async () => {
    const store = new MemoryEntityStore(2);
    for (let i = 0; i < 9; i++) await store.commit({ entity: entity(`T:${i}`, `{"i":${i}}`, i !== 4), consumed: [], emitted: [] });
    await store.commit({ entity: { id: instanceId('router', 'r0'), exists: true, state: '{}', lastOperationTime: 1 }, consumed: [], emitted: [] });
    const seen: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await store.list('node', { top: 3, ...(continuation ? { continuation } : {}) });
      seen.push(...page.entities.map((e) => `${e.id}=${e.state}`));
      continuation = page.continuation;
    } while (continuation);
    assert.deepEqual(
      seen,
      [0, 1, 2, 3, 5, 6, 7, 8].map((i) => `@node@T:${i}={"i":${i}}`),
    );
  });
});
