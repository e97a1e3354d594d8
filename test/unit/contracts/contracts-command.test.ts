// `meshgraph contracts build/check` on the sample product, through the exported command.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../cli/cli';

const dir = mkdtempSync(path.join(os.tmpdir(), 'meshgraph-contracts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command with its output captured. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = { out: '', err: '' };
  const code = await runCli(['contracts', ...args], { out: (t) => void (captured.out += t), err: (t) => void (captured.err += t) });
  return { code, ...captured };
}

describe('meshgraph contracts', () => {
  const base = path.join(dir, 'base');

  it('build writes the SDL, one mapping per type, the schemas and the model', async () => {
    assert.equal((await run(['build', '--out', base])).code, 0);
    assert.match(readFileSync(path.join(base, 'schema.graphql'), 'utf8'), /type Customer implements Node @key/);
    assert.deepEqual(readdirSync(path.join(base, 'elasticsearch')).sort(), [
      'account.json',
      'customer.json',
      'device.json',
      'interaction.json',
      'line.json',
      'plan.json',
      'store.json',
    ]);
    assert.ok(existsSync(path.join(base, 'jsonschema', 'crm.customer.row.json')));
    assert.ok(existsSync(path.join(base, 'jsonschema', 'meshgraph.node.upsert.Customer.json')));
    assert.ok(JSON.parse(readFileSync(path.join(base, 'contract.json'), 'utf8')).model.types.Customer);
  });

  it('check against an identical build exits 0 with no change', async () => {
    const { code, out } = await run(['check', '--base', base]);
    assert.equal(code, 0);
    assert.match(out, /^0 breaking, 0 compatible change\(s\)/m);
    assert.doesNotMatch(out, /REINDEX/);
  });

  it('check exits 1 listing each breaking change, and writes the new build with --out', async () => {
    const edited = path.join(dir, 'edited');
    await run(['build', '--out', edited]);
    const file = path.join(edited, 'contract.json');
    const build = JSON.parse(readFileSync(file, 'utf8'));
    build.model.types.Customer.fields.nickname = { ...build.model.types.Customer.fields.city, name: 'nickname' };
    delete build.model.types.Plan.fields.dataGb.pii;
    writeFileSync(file, JSON.stringify(build));
    const next = path.join(dir, 'next');
    const { code, out } = await run(['check', '--base', edited, '--out', next]);
    assert.equal(code, 1);
    assert.match(out, /^BREAKING {2}\s*field-removed\s+field Customer.nickname was removed$/m);
    assert.match(out, /^1 breaking, 0 compatible/m);
    assert.match(out, /^REINDEX {5}Customer: search mapping changed \(nickname: removed\); run "meshgraph reindex --type Customer" after deploying$/m);
    assert.ok(existsSync(path.join(next, 'schema.graphql')));
  });

  it('check reports a compatible change that alters a search mapping as needing a reindex, exit 0', async () => {
    const edited = path.join(dir, 'no-facet');
    await run(['build', '--out', edited]);
    const file = path.join(edited, 'contract.json');
    const build = JSON.parse(readFileSync(file, 'utf8'));
    build.model.types.Customer.fields.city.facet = false;
    writeFileSync(file, JSON.stringify(build));
    const { code, out } = await run(['check', '--base', edited]);
    assert.equal(code, 0);
    assert.match(out, /compatible\s+capability-added\s+Customer.city is now facet/);
    assert.match(out, /^REINDEX {5}Customer: search mapping changed \(city: facet added\)/m);
    assert.equal(out.match(/^REINDEX/gm)?.length, 1);
  });

  it('exits 2 with the usage on bad arguments or a missing base', async () => {
    const usage = await run(['build']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--out DIR is required/);
    assert.equal((await run(['check', '--base', path.join(dir, 'nothing')])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
  });
});
