import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSchedule } from '../../../host/timer';

describe('timer schedules (six-field NCRONTAB, UTC)', () => {
  it('matches steps, ranges and lists per field', () => {
    const every5 = parseSchedule('*/5 * * * * *');
    assert.ok(every5.matches(new Date('2026-12-05T10:00:05Z')));
    assert.ok(!every5.matches(new Date('2026-12-05T10:00:06Z')));
    const weekdays = parseSchedule('0 30 9 * * 1-5');
    assert.ok(weekdays.matches(new Date('2026-12-04T09:30:00Z')), 'a Friday');
    assert.ok(!weekdays.matches(new Date('2026-12-05T09:30:00Z')), 'a Saturday');
    const list = parseSchedule('0 0 6,18 1 * *');
    assert.ok(list.matches(new Date('2026-01-01T18:00:00Z')));
    assert.ok(!list.matches(new Date('2026-01-02T18:00:00Z')));
  });

  it('refuses a schedule it cannot read, naming the field', () => {
    assert.throws(() => parseSchedule('*/5 * * * *'), /six fields/);
    assert.throws(() => parseSchedule('0 61 * * * *'), /minute field's 0-59/);
    assert.throws(() => parseSchedule('0 x * * * *'), /"x" in the minute field/);
  });
});
