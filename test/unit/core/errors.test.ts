import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, fromDependency, normalizeError, SystemError, toProblem, UnavailableError, UserError } from '../../../core/errors';

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

  it('by whose fault: the caller 4xx as told, a dependency 503 naming it, ours 500 masked', async () => {
    const down = await fromDependency('the dead-letter store', () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:10002'))).catch((e: unknown) => e);
    assert.ok(down instanceof UnavailableError && down.dependency === 'the dead-letter store');
    const p = toProblem(down, 'c-2');
    assert.equal(p.status, 503);
    assert.match(p.detail, /^the dead-letter store is unavailable/);
    assert.doesNotMatch(p.detail, /ECONNREFUSED/, 'the internals stay in the log');
    const refused = new UserError(400, 'bad', 'bad input');
    assert.equal(await fromDependency('x', () => Promise.reject(refused)).catch((e: unknown) => e), refused, "the caller's fault passes through");
    assert.equal(await fromDependency('x', async () => 7), 7);
    const ours = toProblem(new ConfigError('ELASTICSEARCH_URL', 'is needed'), 'c-3');
    assert.deepEqual([ours.status, ours.code], [500, 'internal']);
    assert.doesNotMatch(ours.detail, /ELASTICSEARCH_URL/);
  });
});
