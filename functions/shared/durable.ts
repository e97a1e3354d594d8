// The durable client of both apps: the binding input the Functions host fills with the task hub's
// HTTP API (declared without durable-functions, whose client is ~500 KB of axios, moment and
// validator), and a small client over that API (adapters/durable/http-client.ts).
import { input, type InvocationContext } from '@azure/functions';
import { DurableHttpClient, type DurableClientBinding } from '../../adapters/durable/http-client';

export const durableClientInput = input.generic({ type: 'durableClient' });

/** The client of this invocation's durable binding: signal, read and list entities. */
export function durableClientOf(context: InvocationContext): DurableHttpClient {
  const binding = context.extraInputs.get(durableClientInput) as DurableClientBinding | string | undefined;
  return new DurableHttpClient(typeof binding === 'string' ? (JSON.parse(binding) as DurableClientBinding) : (binding ?? {}));
}
