import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getChunks } from '../../../adapters/tables/chunks';
import { letterOf, rowOf } from '../../../adapters/deadletter/rows';

describe('dead-letter rows', () => {
  it('keeps a payload too large for a row truncated, so storing a letter never fails for good', () => {
    const at = '2026-12-05T10:00:00.000Z';
    const letter = { id: `2026-12-05|${at}|x`, at, stage: 'trigger' as const, reason: 'too big to apply', payload: { data: 'y'.repeat(600_000) } };
    const row = rowOf(letter);
    const back = letterOf(String(row.partitionKey), String(row.rowKey), row);
    const payload = back.payload as { truncated: boolean; chars: number; head: string };
    assert.equal(payload.truncated, true);
    assert.equal(payload.chars, JSON.stringify(letter.payload).length);
    assert.ok(payload.head.startsWith('{"data":"yyy'));
    assert.ok((getChunks(row) ?? '').length < 480_000);
    assert.equal(back.reason, 'too big to apply');
  });
});
