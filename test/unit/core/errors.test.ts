import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeError, SystemError, toProblem, UserError } from '../../../core/errors';

describe('errors', () => {
  it('renders a user error as problem+json with its status, code and extensions', () => {
    const p = toProblem(new UserError(413, 'body-too-large', 'body over 1 MB', { limit: 1048576 }), 'c-1');
    assert.deepEqual(
      { status: p.status, code: p.code, detail: p.detail, title: p.title, limit: p.limit, correlationId: p.correlationId },
      { status: 413, code: 'body-too-large', detail: 'body over 1 MB', title: 'Content Too Large', limit: 1048576, correlationId: 'c-1' },
    );
    assert.match(p.type, /body-too-large$/);
  });

  it('masks system errors and anything else thrown', () => {
    for (const thrown of [new Error('db password wrong'), 'raw string', { weird: true }, new SystemError('secret path /x')]) {
      const p = toProblem(thrown, 'c-2');
      assert.equal(p.status, 500);
      assert.doesNotMatch(JSON.stringify(p), /password|raw string|weird|secret/);
      assert.equal(p.correlationId, 'c-2');
    }
  });

  it('keeps the original error as the cause of a normalized one', () => {
    const original = new TypeError('boom');
    const err = normalizeError(original);
    assert.ok(err instanceof SystemError);
    assert.equal(err.cause, original);
  });
});
