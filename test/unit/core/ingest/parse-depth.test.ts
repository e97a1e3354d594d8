// Deep bodies: refused with a 400 naming the limit (found by the reliability fuzzer: a rejected
// event nested 20,000 levels deep could not be dead-lettered, and the request got a 503).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_JSON_DEPTH, jsonDepth, parseEventsBody } from '../../../../core/ingest/parse';
import { UserError } from '../../../../core/errors';

const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('ingest body depth', () => {
  it('counts nesting outside strings only', () => {
    assert.equal(jsonDepth('{"a":[1,{"b":"[[[{{{\\"]]]"}]}'), 3);
    assert.equal(jsonDepth('"[[["'), 0);
    assert.equal(jsonDepth(nested(10)), 10);
  });

  it('refuses a body or an NDJSON line nested deeper than the limit, with a 400 naming it', () => {
    assert.equal(parseEventsBody('application/json', `[{"data":${nested(MAX_JSON_DEPTH - 2)}}]`, 10).length, 1);
    for (const [type, body] of [
      ['application/json', nested(100_000)],
      ['application/cloudevents+json', `{"data":${nested(MAX_JSON_DEPTH)}}`],
      ['application/x-ndjson', `{}\n{"data":${nested(500)}}`],
    ] as const) {
      assert.throws(
        () => parseEventsBody(type, body, 10),
        (e: unknown) => e instanceof UserError && e.status === 400 && e.code === 'too-deep' && /limit is 64/.test(e.message),
      );
    }
  });
});

describe('ingest event size', () => {
  it('refuses a request holding an event over the limit, naming its index (found by the fuzzer: a 3 MB event stalled the local stream)', async () => {
    const { MAX_EVENT_BYTES } = await import('../../../../core/ingest/parse');
    const small = { id: 'a', data: { name: 'x'.repeat(1000) } };
    assert.equal(parseEventsBody('application/json', JSON.stringify([small, small]), 10).length, 2);
    const big = { id: 'b', data: { name: 'x'.repeat(MAX_EVENT_BYTES) } };
    assert.throws(
      () => parseEventsBody('application/json', JSON.stringify([small, big]), 10),
      (e: unknown) => e instanceof UserError && e.status === 413 && e.code === 'event-too-large' && e.extra['index'] === 1,
    );
  });
});
