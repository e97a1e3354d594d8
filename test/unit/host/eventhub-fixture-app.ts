// A function app with one Event Hubs trigger for the consumer's tests: it records every batch it
// gets and fails while the test asks it to (state on globalThis: the host loads this file itself).
// Its retry policy is FIXTURE_RETRY (JSON) when set at load, else none.
import { app, type RetryOptions } from '@azure/functions';
import { fixture } from './eventhub-fake-client';

const retry = process.env.FIXTURE_RETRY ? (JSON.parse(process.env.FIXTURE_RETRY) as RetryOptions) : undefined;

app.eventHub('collect', {
  ...(retry ? { retry } : {}),
  connection: 'EventHubConnection',
  eventHubName: '%EVENT_HUB_NAME%',
  consumerGroup: '%EVENT_HUB_CONSUMER_GROUP%',
  cardinality: 'many',
  handler: async (messages) => {
    const f = fixture();
    f.attempts++;
    if (f.failNext > 0) {
      f.failNext--;
      throw new Error('trigger failed on purpose');
    }
    f.batches.push(messages as unknown[]);
  },
});
