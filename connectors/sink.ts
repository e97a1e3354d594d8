// The sink a connector command publishes to: an Event Hub when EventHubConnection is set (the
// same setting the apps read), else POST /api/events of the host at `url`. The command line has
// applied local.settings.json to the environment before any command runs.
import { loadConfig } from '../core/config';
import type { CompiledDataProduct } from '../core/contracts';
import { EventHubSink, HttpSink, type EventSink } from './publish';

export const DEFAULT_HOST_URL = 'http://localhost:7071';

export function chooseSink(product: CompiledDataProduct, url: string | undefined, connections: number): EventSink {
  const { eventHub } = loadConfig(process.env);
  if (eventHub.connectionString && url === undefined) return new EventHubSink(product, eventHub.connectionString, eventHub.name);
  return new HttpSink(url ?? DEFAULT_HOST_URL, connections);
}
