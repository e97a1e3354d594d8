// The pieces of dead-letter admin that need no storage: connection strings to table endpoints,
// filters, and what can be replayed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tableAccountOf } from '../../../adapters/deadletter/table-rest';
import { filterOf, matches, replayable } from '../../../adapters/deadletter/manage';
import type { DeadLetter } from '../../../core/ports/dead-letters';

describe('dead-letter table endpoint', () => {
  it('reads Azurite, explicit endpoints and Azure connection strings', () => {
    assert.deepEqual(tableAccountOf('UseDevelopmentStorage=true'), {
      url: 'http://127.0.0.1:10002/devstoreaccount1',
      account: 'devstoreaccount1',
      key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    });
    assert.deepEqual(tableAccountOf('DefaultEndpointsProtocol=http;AccountName=a1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:5/a1/;'), {
      url: 'http://127.0.0.1:5/a1',
      account: 'a1',
      key: 'a2V5',
    });
    assert.equal(
      tableAccountOf('DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5==;EndpointSuffix=core.windows.net').url,
      'https://prod.table.core.windows.net',
    );
    assert.throws(() => tableAccountOf('AccountName=x'), /AccountKey/);
  });
});

describe('dead-letter filters and replay choice', () => {
  const l = (stage: DeadLetter['stage'], source: string | undefined, payload: unknown): DeadLetter => ({
    id: 'd|t|u',
    at: 't',
    stage,
    reason: 'r',
    ...(source ? { source } : {}),
    payload,
  });

  it('filters by stage and source, refusing an unknown stage', () => {
    const opts = (o: Record<string, string>) => (name: string) => o[name];
    assert.deepEqual(filterOf(opts({})), {});
    assert.deepEqual(filterOf(opts({ stage: 'actor', source: 'crm' })), { stage: 'actor', source: 'crm' });
    assert.throws(() => filterOf(opts({ stage: 'later' })), /stage must be one of ingest, trigger, actor, projection/);
    assert.ok(matches(l('actor', 'crm', null), { stage: 'actor', source: 'crm' }));
    assert.ok(!matches(l('actor', 'crm', null), { source: 'hr' }));
    assert.ok(!matches(l('ingest', undefined, null), { source: 'hr' }));
  });

  it('replays only events rejected at ingestion (they hold the event as sent)', () => {
    assert.ok(replayable(l('ingest', 'crm', { id: 'e' })));
    assert.ok(replayable(l('trigger', 'crm', { id: 'e' })));
    assert.ok(!replayable(l('trigger', 'crm', null)));
    assert.ok(!replayable(l('actor', 'crm', { id: 'e' })));
  });
});
