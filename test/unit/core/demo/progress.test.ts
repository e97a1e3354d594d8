import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress } from '../../../../core/demo/progress';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (t: string) => writes.push(t) }, writes };
}

describe('progress', () => {
  it('redraws a bar in place on a terminal, at most every 100 ms, ending with a newline', () => {
    const { stream, writes } = recorder(true);
    let clock = 0;
    const progress = createProgress(10, 'customers', stream, () => clock);
    clock = 1000;
    progress(5, { events: 50, nodes: 40 });
    clock = 1050;
    progress(6, { events: 60, nodes: 48 });
    clock = 2000;
    progress(10, { events: 100, nodes: 80 }, true);
    assert.deepEqual(writes, [
      '\r[###############...............]  50% 5/10 customers, 50 events, 40 nodes, 50 events/s',
      '\r[##############################] 100% 10/10 customers, 100 events, 80 nodes, 50 events/s\n',
    ]);
  });

  it('prints one plain line per 10% elsewhere, and the final counts', () => {
    const { stream, writes } = recorder(false);
    const progress = createProgress(100, 'customers', stream, () => 0);
    for (let done = 1; done <= 100; done++) progress(done, { events: done, nodes: done });
    progress(100, { events: 100, nodes: 100 }, true);
    assert.deepEqual(writes.map((w) => w.split(' ')[1]), ['1%', '10%', '20%', '30%', '40%', '50%', '60%', '70%', '80%', '90%', '100%', '100%']);
    assert.ok(writes.every((w) => w.startsWith('demo: ') && w.endsWith('\n')));
    assert.match(writes[1] ?? '', /^demo: 10% 10\/100 customers, 10 events, 10 nodes/);
  });
});
