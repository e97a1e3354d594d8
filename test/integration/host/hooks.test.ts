// The host runs an app's invocation hooks as the Node.js worker does in Azure: preInvocation
// before the handler (it may replace it; a throw fails the invocation), postInvocation after it
// with the result or the error (it may replace either), hookData shared between the two of one
// invocation (log hooks see it and may change a user log line), and appTerminate when the host
// stops, with the hookData appStart left.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startHost, type RunningHost } from '../../../host/main';
import { testDataDir } from '../../helpers/host';

const HOOKS_APP = path.join(__dirname, '../../fixtures/hooks-app/index.ts');

describe('local host: invocation hooks', () => {
  let host: RunningHost;
  const logged: Array<{ level: string; category: string; message: string }> = [];
  before(async () => {
    Object.assign(process.env, { AzureWebJobsStorage: 'UseDevelopmentStorage=true', MESH_DATA_DIR: testDataDir() });
    host = await startHost({ apps: [{ name: 'hooks', entry: HOOKS_APP }], port: 0, store: 'memory', log: (e) => logged.push(e) });
  });
  after(() => host.stop());

  it('runs postInvocation with the result and the hookData of preInvocation and of the log hook', async () => {
    const res = await fetch(`${host.url}/api/observed`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { handler: 'the handler ran', calls: ['pre', 'log', 'post'] });
  });

  it('logs a user log line as the log hooks changed it', () => {
    const lines = logged.filter((e) => e.category === 'user').map((e) => e.message);
    assert.ok(lines.includes('the secret [redacted] stays here'), JSON.stringify(lines));
    assert.ok(!lines.some((m) => m.includes('secret 42')));
  });

  it('runs the handler a preInvocation hook put in place of the function', async () => {
    const res = await fetch(`${host.url}/api/replaced`);
    assert.equal(await res.text(), 'from the preInvocation hook');
  });

  it('fails the invocation when a preInvocation hook throws, without running the handler', async () => {
    const res = await fetch(`${host.url}/api/guarded`);
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /the handler ran/);
  });

  it('answers what postInvocation made of a failed invocation', async () => {
    const res = await fetch(`${host.url}/api/failing`);
    assert.equal(res.status, 299);
    assert.equal(await res.text(), 'recovered from: the handler failed');
  });

  it('runs appTerminate when it stops, with the hookData appStart left', async () => {
    const { terminated } = (await import(HOOKS_APP)) as { terminated: { hookData?: unknown } };
    assert.equal(terminated.hookData, undefined);
    await host.stop();
    assert.deepEqual(terminated.hookData, { startedBy: 'appStart' });
  });
});
