// Progress lines (core/progress.ts) as the demo and file ingestion use them: a bar on a terminal,
// plain lines elsewhere.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { demoProgress, rowProgress } from '../../../core/progress';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (t: string) => writes.push(t) }, writes };
}

describe('progress: demo', () => {
  it('redraws a bar in place on a terminal, at most every 100 ms, ending with a newline', () => {
    const { stream, writes } = recorder(true);
    let clock = 0;
    const progress = demoProgress(10, 'customers', stream, () => clock);
    clock = 1000;
    progress(5, { events: 50, nodes: 40 });
    clock = 1050;
    progress(6, { events: 60, nodes: 48 });
    clock = 2000;
    progress(10, { events: 100, nodes: 80 }, true);
    assert.deepEqual(writes, [
      '\r\x1b[2K[###############...............]  50% 5/10 customers, 50 events, 40 nodes, 50 events/s',
      '\r\x1b[2K[##############################] 100% 10/10 customers, 100 events, 80 nodes, 50 events/s\n',
    ]);
  });

  it('prints one plain line per 10% elsewhere, and the final counts', () => {
    const { stream, writes } = recorder(false);
    const progress = demoProgress(100, 'customers', stream, () => 0);
    for (let done = 1; done <= 100; done++) progress(done, { events: done, nodes: done });
    progress(100, { events: 100, nodes: 100 }, true);
    assert.deepEqual(
      writes.map((w) => w.split(' ')[1]),
      ['1%', '10%', '20%', '30%', '40%', '50%', '60%', '70%', '80%', '90%', '100%', '100%'],
    );
    assert.ok(writes.every((w) => w.startsWith('demo: ') && w.endsWith('\n')));
    assert.match(writes[1] ?? '', /^demo: 10% 10\/100 customers, 10 events, 10 nodes/);
  });
});

describe('progress: file ingestion', () => {
  it('prints a plain line every 10 s when the total is unknown, and the final counts', () => {
    const { stream, writes } = recorder(false);
    let clock = 0;
    const progress = rowProgress('crm.csv', 0, stream, () => clock);
    for (clock = 1000; clock <= 25_000; clock += 1000) progress(clock, { rows: clock, rejected: 1 });
    clock = 25_000;
    progress(25_000, { rows: 25_000, rejected: 2 }, true);
    assert.deepEqual(writes, [
      'crm.csv: 10,000 rows, 1,000 rows/s, 1 rejected\n',
      'crm.csv: 20,000 rows, 1,000 rows/s, 1 rejected\n',
      'crm.csv: 25,000 rows, 1,000 rows/s, 2 rejected\n',
    ]);
  });

  it('shows a bar with the share of the file read on a terminal, and none when the size is unknown', () => {
    const clock = () => {
      let t = 0;
      return () => (t += 1000) - 1000; // 0 at the start, 1 s at the report
    };
    const known = recorder(true);
    rowProgress('crm.csv', 200, known.stream, clock())(50, { rows: 10, rejected: 0 }, true);
    assert.deepEqual(known.writes, ['\r\x1b[2Kcrm.csv [######..................]  25% 10 rows, 10 rows/s, 0 rejected\n']);
    const unknown = recorder(true);
    rowProgress('crm.csv', 0, unknown.stream, clock())(50, { rows: 10, rejected: 0 }, true);
    assert.deepEqual(unknown.writes, ['\r\x1b[2Kcrm.csv 10 rows, 10 rows/s, 0 rejected\n']);
  });
});
