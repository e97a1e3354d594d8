// reindex() on the embedded store: a new index version built from the actors' states, the alias
// swapped, and the versions it replaced deleted (or the previous one kept when asked).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileDataProduct } from '../../../../core/contracts/index';
import { emptyNodeState } from '../../../../core/graph/node-state';
import type { NodeState } from '../../../../core/graph/node-state';
import { upsertFields } from '../../../../core/graph/merge';
import { reindex } from '../../../../core/graph/reindex';
import type { ListedState } from '../../../../core/graph/reindex';
import { indexSpecOf } from '../../../../core/contracts/index-spec';
import { openSqliteStore } from '../../../../adapters/search/sqlite';
import { library } from '../contracts/fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgraph-reindex-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

const model = compileDataProduct(library()).model;
const author = model.types['Author']!;

function authorState(id: string, name: string): NodeState {
  const state = emptyNodeState('Author', id);
  upsertFields(state, { name }, { ev: `e-${id}`, src: 'cms', k: '1' }, '2024-01-01T00:00:00Z');
  state.ver = 1;
  return state;
}

const source = (states: NodeState[]) => ({
  async *pages(): AsyncIterable<ListedState[]> {
    yield states.map((state) => ({ state, lastOperationTime: 0 }));
  },
});

async function storeWithVersions(...versions: number[]) {
  const store = openSqliteStore(path.join(root, `store-${++n}`));
  for (const v of versions) await store.createIndex(indexSpecOf(author, v));
  await store.swapAlias('Author', `Author_v${versions[versions.length - 1]}`);
  return store;
}

describe('reindex', () => {
  it('serves the new version and deletes every version it replaced', async () => {
    const store = await storeWithVersions(1, 2);
    try {
      const [result] = await reindex(store, [author], source([authorState('a1', 'Ada Lovelace')]), { version: 3 });
      assert.deepEqual(result?.deleted, ['Author_v1', 'Author_v2']);
      assert.deepEqual(await store.indexes('Author'), [{ index: 'Author_v3', version: 3, aliased: true }]);
      assert.deepEqual(
        (await store.search('Author', { text: 'lovelace', first: 5 })).hits.map((h) => h.doc.id),
        ['Author:a1'],
      );
    } finally {
      await store.close();
    }
  });

  it('keeps the version the alias pointed at before when asked (keepPrevious), older ones still go', async () => {
    const store = await storeWithVersions(1, 2);
    try {
      const [result] = await reindex(store, [author], source([authorState('a1', 'Ada')]), { version: 3, keepPrevious: true });
      assert.deepEqual(result?.deleted, ['Author_v1']);
      assert.deepEqual(
        (await store.indexes('Author')).map((i) => [i.index, i.aliased]),
        [
          ['Author_v2', false],
          ['Author_v3', true],
        ],
      );
    } finally {
      await store.close();
    }
  });

  it('leaves a newer version alone (a reindex that started later)', async () => {
    const store = await storeWithVersions(1, 9);
    try {
      await reindex(store, [author], source([]), { version: 5 });
      assert.deepEqual(
        (await store.indexes('Author')).map((i) => i.index),
        ['Author_v5', 'Author_v9'],
      );
    } finally {
      await store.close();
    }
  });
});
