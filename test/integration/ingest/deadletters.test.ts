// `meshgraph deadletters list|replay` against a running host and its Azurite.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloudEvent as ce, ingest, useMeshHost } from '../../helpers/mesh-host';
import { runCli } from '../../../cli/cli';
import { newDeadLetterId } from '../../../adapters/deadletter/rows';

async function capture(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { code: await run(), out };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
}

describe('meshgraph deadletters', () => {
  const suite = useMeshHost();

  it('lists rejected events with stage, source, event id and reason', async () => {
    await ingest(suite.mesh.host.url, [ce('sales', 'upsert', 'Person/x', 1, { name: 'Nope' }, 'dl-owner')]);
    const { code, out } = await capture(() => runCli(['deadletters', 'list', '--json']));
    assert.equal(code, 0);
    const letters = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const letter = letters.find((l) => l.eventId === 'dl-owner');
    assert.equal(letter.stage, 'ingest');
    assert.equal(letter.source, 'sales');
    assert.match(letter.reason, /Person\.name is owned by hr; sales may not write it/);
  });

  it('replays: a fixed event is accepted and leaves the dead letters; a still-bad one is rejected again', async () => {
    const at = new Date().toISOString();
    const fixed = {
      id: newDeadLetterId(at),
      at,
      stage: 'ingest' as const,
      reason: 'was wrong once',
      eventId: 'dl-fixed',
      source: 'hr',
      payload: ce('hr', 'upsert', 'Person/replayed', 1, { name: 'Back' }, 'dl-fixed'),
    };
    await suite.mesh.deadLetters.put([fixed]);
    const { code, out } = await capture(() => runCli(['deadletters', 'replay', '--id', fixed.id, '--url', suite.mesh.host.url]));
    assert.equal(code, 0, out);
    assert.match(out, /replayed 1: 1 accepted, 0 rejected again/);
    assert.ok(!(await suite.mesh.deadLetters.list({ top: 1000 })).items.some((l) => l.id === fixed.id));
    await suite.mesh.host.runtime.idle();
    assert.equal((await suite.mesh.index.get('Person', 'Person:replayed'))?.body.name, 'Back');

    const again = await capture(() => runCli(['deadletters', 'replay', '--all', '--url', suite.mesh.host.url]));
    assert.equal(again.code, 1);
    assert.match(again.out, /dl-owner: Person\.name is owned by hr/);
  });
});
