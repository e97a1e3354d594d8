// The composition root of the apps: which adapter serves each port, built once per process on
// first use (so a function that needs none of them starts without them).
import { config } from '../../core/config';
import { UserError } from '../../core/errors';
import type { DeadLetterStore } from '../../core/ports/dead-letters';
import type { EventPublisher } from '../../core/ports/events';
import { TableDeadLetterStore } from '../../adapters/deadletter/table';
import { EventHubPublisher } from '../../adapters/eventhub/producer';
import { LOCAL_STREAM_URL_VARIABLE, LocalStreamPublisher } from '../../adapters/eventhub/local-stream';

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export const deadLetters = once((): DeadLetterStore => {
  const cs = config().storage.connectionString;
  if (!cs) throw new Error('setting AzureWebJobsStorage: dead letters need a storage connection string (identity-based storage is not supported for them yet)');
  return new TableDeadLetterStore(cs);
});

export const publisher = once((): EventPublisher => {
  const { eventHub } = config();
  if (eventHub.connectionString) return new EventHubPublisher(eventHub.connectionString, eventHub.name);
  const local = process.env[LOCAL_STREAM_URL_VARIABLE];
  if (local) return new LocalStreamPublisher(local);
  throw new UserError(503, 'no-event-hub', 'no event hub is configured: set EventHubConnection (or run in the local host, which provides a local stream)');
});
