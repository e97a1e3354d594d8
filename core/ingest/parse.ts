// Parses an ingest request body into a list of raw events, by content type: a CloudEvents batch
// (JSON array), one structured CloudEvent, or NDJSON. Malformed input is a 4xx naming what is wrong.
import { UserError } from '../errors';

export const INGEST_CONTENT_TYPES = ['application/cloudevents-batch+json', 'application/cloudevents+json', 'application/x-ndjson', 'application/json'] as const;

export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(400, 'invalid-json', `${where} is not valid JSON: ${(err as Error).message}`);
  }
}

export function parseEventsBody(contentType: string | null, text: string, maxEvents: number): unknown[] {
  const type = mediaType(contentType);
  let events: unknown[];
  switch (type) {
    case 'application/cloudevents-batch+json':
    case 'application/json': {
      const body = parseJson(text, 'the body');
      if (type === 'application/cloudevents-batch+json' && !Array.isArray(body)) throw new UserError(400, 'not-a-batch', 'a CloudEvents batch must be a JSON array of events');
      events = Array.isArray(body) ? body : [body];
      break;
    }
    case 'application/cloudevents+json': {
      const body = parseJson(text, 'the body');
      if (Array.isArray(body)) throw new UserError(400, 'not-one-event', 'application/cloudevents+json carries one event; send arrays as application/cloudevents-batch+json');
      events = [body];
      break;
    }
    case 'application/x-ndjson':
      events = text.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [parseJson(line, `line ${i + 1}`)]));
      break;
    default:
      throw new UserError(415, 'unsupported-media-type', `content type "${type || '(none)'}" is not accepted; use one of ${INGEST_CONTENT_TYPES.join(', ')}`, { accepted: INGEST_CONTENT_TYPES });
  }
  if (events.length === 0) throw new UserError(400, 'no-events', 'the body holds no event');
  if (events.length > maxEvents) throw new UserError(413, 'too-many-events', `${events.length} events in one request; the limit is ${maxEvents}`, { limit: maxEvents });
  return events;
}
