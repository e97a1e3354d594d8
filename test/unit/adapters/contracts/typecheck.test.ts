// `contracts build` and `check` type-check the data product as tsc would: a mapping that writes a
// string into an int field is refused with its file:line, though the product loads and compiles
// (tsx and esbuild strip types without checking them).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../../cli/cli';
import { loadDataProduct } from '../../../../adapters/contracts/load';
import { typecheckDataProduct } from '../../../../adapters/contracts/typecheck';

const ROOT = path.join(__dirname, '../../../..');
// Under the project (so its tsconfig.json applies) but outside what `npm run typecheck` includes.
fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
const dir = fs.mkdtempSync(path.join(ROOT, '.data', 'typecheck-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const core = path.relative(dir, path.join(ROOT, 'core/contracts')).split(path.sep).join('/');

function product(file: string, sizeExpression: string): string {
  const text = `import { change, dataProduct, field, node, record, source } from '${core}';

export const Box = node({ name: 'Box', owner: 'stock', fields: { label: field.text(), size: field.int() } });

export default dataProduct({
  name: 'boxes',
  types: [Box],
  sources: {
    stock: source({
      records: {
        'stock.box.row': record({
          fields: { id: field.keyword().required(), label: field.text(), size: field.keyword(), rev: field.int().required() },
          sequence: 'rev',
          map: (row) => [change.upsert(Box, row.id, { label: row.label, size: ${sizeExpression} })],
        }),
      },
    }),
  },
});
`;
  const at = path.join(dir, file);
  fs.writeFileSync(at, text);
  return at;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = { out: '', err: '' };
  const code = await runCli(['contracts', ...args], { out: (t: string) => void (captured.out += t), err: (t: string) => void (captured.err += t) });
  return { code, ...captured };
}

describe('type-checking the data product', () => {
  const bad = product('bad.ts', 'row.size');
  const good = product('good.ts', 'row.size == null ? row.size : Number(row.size)');
  const TYPE_ERROR = /bad\.ts:14:\d+ - error TS2322: Type 'string \| null \| undefined' is not assignable to type 'number \| null \| undefined'/;

  it('a mapping writing a string into an int field loads and compiles: only the type check sees it', async () => {
    const loaded = await loadDataProduct(bad, ROOT);
    assert.equal(loaded.model.name, 'boxes');
    // At run time the mapped change is validated: the event is refused (a dead letter), naming the field.
    const mapped = loaded.mapEvent({ specversion: '1.0', id: 'e1', source: 'stock', type: 'stock.box.row', data: { id: 'b1', size: 'large', rev: 1 } });
    assert.deepEqual(mapped, {
      ok: false,
      reasons: ['mapping of stock.box.row produced an invalid meshgraph.node.upsert for Box/b1: data.size: must be integer or null'],
    });
    const checked = typecheckDataProduct(bad, ROOT);
    assert.equal(checked.tsconfig, path.join(ROOT, 'tsconfig.json'));
    assert.equal(checked.errors.length, 1, checked.errors.join('\n'));
    assert.match(checked.errors[0]!, new RegExp(`^${path.relative(ROOT, dir)}/${TYPE_ERROR.source}`));
  });

  it('contracts build refuses it with the file:line and writes nothing', async () => {
    const out = path.join(dir, 'out-bad');
    const { code, err } = await run(['build', '--out', out, '--contracts', bad]);
    assert.equal(code, 2);
    assert.match(err, /meshgraph contracts (build|check): setting MESH_CONTRACTS: .*bad\.ts has 1 type error\(s\)/);
    assert.match(err, TYPE_ERROR);
    assert.equal(fs.existsSync(out), false);
  });

  it('contracts check refuses it too; the corrected product builds and checks', async () => {
    const base = path.join(dir, 'out-good');
    assert.equal((await run(['build', '--out', base, '--contracts', good])).code, 0);
    assert.ok(fs.existsSync(path.join(base, 'contract.json')));
    const { code, err } = await run(['check', '--base', base, '--contracts', bad]);
    assert.equal(code, 2);
    assert.match(err, TYPE_ERROR);
    assert.equal((await run(['check', '--base', base, '--contracts', good])).code, 0);
  });
});
