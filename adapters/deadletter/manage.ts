// What `meshgraph deadletters` and the cold app's admin endpoints do with dead letters, written
// once: list them (filtered, paged) and replay them (send the rejected events again to the hot
// app's ingest endpoint, once the cause is fixed).
import type { DeadLetter, DeadLetterPage, DeadLetterStage, DeadLetterStore } from '../../core/ports/dead-letters';
import { UserError } from '../../core/errors';

export const STAGES: readonly DeadLetterStage[] = ['ingest', 'trigger', 'actor', 'projection'];
/** Events sent to the ingest endpoint per request. */
const REPLAY_BATCH = 500;

export interface DeadLetterFilter {
  stage?: DeadLetterStage;
  source?: string;
}

/** The filter named by options `stage` and `source` (400 naming the stages for a wrong one). */
export function filterOf(option: (name: string) => string | undefined): DeadLetterFilter {
  const stage = option('stage');
  if (stage !== undefined && !STAGES.includes(stage as DeadLetterStage))
    throw new UserError(400, 'invalid-stage', `stage must be one of ${STAGES.join(', ')} (got "${stage}")`);
  const source = option('source');
  return { ...(stage ? { stage: stage as DeadLetterStage } : {}), ...(source ? { source } : {}) };
}

export function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  return (!filter.stage || letter.stage === filter.stage) && (!filter.source || letter.source === filter.source);
}

/**
 * One page of the store (oldest first), filtered: a filtered page may hold fewer than `top`
 * letters, even none, and still have a continuation; the listing ends when it has none.
 */
export async function listDeadLetters(
  store: DeadLetterStore,
  options: { top: number; continuation?: string; filter?: DeadLetterFilter },
): Promise<DeadLetterPage> {
  const page = await store.list({ top: options.top, ...(options.continuation ? { continuation: options.continuation } : {}) });
  return { items: page.items.filter((l) => matches(l, options.filter ?? {})), ...(page.continuation ? { continuation: page.continuation } : {}) };
}

/** Every dead letter that matches, oldest first, a store page at a time. */
export async function* allDeadLetters(store: DeadLetterStore, filter: DeadLetterFilter = {}): AsyncGenerator<DeadLetter> {
  let continuation: string | undefined;
  do {
    const page = await listDeadLetters(store, { top: 1000, ...(continuation ? { continuation } : {}), filter });
    yield* page.items;
    continuation = page.continuation;
  } while (continuation);
}

/** Events rejected at ingestion can be sent again as they were; later stages hold no event. */
export function replayable(letter: DeadLetter): boolean {
  return (letter.stage === 'ingest' || letter.stage === 'trigger') && typeof letter.payload === 'object' && letter.payload !== null;
}

/** Sends events to an ingest endpoint; answers as POST /api/events does (202). */
export type SendEvents = (events: unknown[]) => Promise<{ accepted: number; rejected: Array<{ index: number; reason: string }> }>;

export class IngestRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the ingest endpoint answered ${status}: ${body.slice(0, 500)}`);
  }
}

/** POST {baseUrl}/api/events, as a source would. */
export function ingestEndpoint(baseUrl: string): SendEvents {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/events`;
  return async (events) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events) });
    if (res.status !== 202) throw new IngestRefused(res.status, await res.text());
    return (await res.json()) as Awaited<ReturnType<SendEvents>>;
  };
}

export interface ReplayChoice {
  /** Every dead letter that matches `filter`… */
  all?: boolean;
  filter?: DeadLetterFilter;
  /** …or these ones. */
  ids?: string[];
}

export interface ReplayResult {
  /** Letters whose events were sent again. */
  replayed: number;
  accepted: number;
  /** Sent but rejected again (the ingest endpoint dead-lettered them anew, with a new id). */
  rejected: Array<{ id: string; eventId?: string; reason: string }>;
  /** Chosen but not replayable (stage actor/projection: fix the cause and re-send from the source). */
  skipped: Array<{ id: string; stage: DeadLetterStage }>;
  /** Ids asked for that no dead letter has. */
  unknownIds: string[];
}

/**
 * Sends the chosen letters' events again in batches; each sent letter is removed (an event
 * rejected again is dead-lettered again by the ingest endpoint). Stops at the first batch the
 * endpoint refuses as a whole, leaving that batch's letters in place.
 */
export async function replayDeadLetters(store: DeadLetterStore, choice: ReplayChoice, send: SendEvents): Promise<ReplayResult> {
  // Letters the endpoint writes while this runs (events rejected again) are not replayed again.
  const startedAt = new Date().toISOString();
  const wanted = new Set(choice.ids ?? []);
  const result: ReplayResult = { replayed: 0, accepted: 0, rejected: [], skipped: [], unknownIds: [] };
  let batch: DeadLetter[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const part = batch;
    batch = [];
    const answer = await send(part.map((l) => l.payload));
    for (const r of answer.rejected) {
      const l = part[r.index];
      if (l) result.rejected.push({ id: l.id, ...(l.eventId ? { eventId: l.eventId } : {}), reason: r.reason });
    }
    await store.remove(part.map((l) => l.id));
    result.replayed += part.length;
    result.accepted += part.length - answer.rejected.length;
  };
  for await (const letter of allDeadLetters(store, choice.all ? (choice.filter ?? {}) : {})) {
    if (letter.at >= startedAt || (!choice.all && !wanted.delete(letter.id))) continue;
    if (!replayable(letter)) {
      result.skipped.push({ id: letter.id, stage: letter.stage });
      continue;
    }
    batch.push(letter);
    if (batch.length >= REPLAY_BATCH) await flush();
  }
  await flush();
  result.unknownIds = [...wanted];
  return result;
}
