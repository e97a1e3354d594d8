// Parses an ingest request body into a list of raw events, by content type: a CloudEvents batch
// (JSON array), one structured CloudEvent, or NDJSON. Malformed input is a 4xx naming what is wrong.
import { UserError } from '../errors';

export const INGEST_CONTENT_TYPES = ['application/cloudevents-batch+json', 'application/cloudevents+json', 'application/x-ndjson', 'application/json'] as const;

export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Largest single event, as JSON. Beyond it an event could neither be published (an Event Hubs
 * event is at most 1 MB with its envelope, 256 KB on the Basic tier) nor kept as a dead letter (a
 * table row holds ~480k characters), and the local stream stalled on it.
 */
export const MAX_EVENT_BYTES = 256 * 1024;

/** Deepest nesting of arrays and objects a body may hold: deeper values cannot be dead-lettered or stored. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays/objects in JSON text (strings skipped), without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

function parseJson(text: string, where: string): unknown {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH)
    throw new UserError(400, 'too-deep', `${where} nests arrays and objects ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`, { limit: MAX_JSON_DEPTH });
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
      if (type === 'application/cloudevents-batch+json' && !Array.isArray(body))
        throw new UserError(400, 'not-a-batch', 'a CloudEvents batch must be a JSON array of events');
      events = Array.isArray(body) ? body : [body];
      break;
    }
    case 'application/cloudevents+json': {
      const body = parseJson(text, 'the body');
      if (Array.isArray(body))
        throw new UserError(400, 'not-one-event', 'application/cloudevents+json carries one event; send arrays as application/cloudevents-batch+json');
      events = [body];
      break;
    }
    case 'application/x-ndjson':
      events = text.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [parseJson(line, `line ${i + 1}`)]));
      break;
    default:
      throw new UserError(415, 'unsupported-media-type', `content type "${type || '(none)'}" is not accepted; use one of ${INGEST_CONTENT_TYPES.join(', ')}`, {
        accepted: INGEST_CONTENT_TYPES,
      });
  }
  if (events.length === 0) throw new UserError(400, 'no-events', 'the body holds no event');
  if (events.length > maxEvents)
    throw new UserError(413, 'too-many-events', `${events.length} events in one request; the limit is ${maxEvents}`, { limit: maxEvents });
  events.forEach((event, index) => {
    const bytes = Buffer.byteLength(JSON.stringify(event) ?? '');
    if (bytes > MAX_EVENT_BYTES)
      throw new UserError(413, 'event-too-large', `event ${index} is ${bytes} bytes; one event may be at most ${MAX_EVENT_BYTES} bytes`, {
        index,
        limit: MAX_EVENT_BYTES,
      });
  });
  return events;
}
