// The DeadLetterStore port: every event that cannot be applied is kept here with its reason.
export type DeadLetterStage = 'ingest' | 'trigger' | 'actor' | 'projection';

export interface DeadLetter {
  /** Unique id of this dead letter (not the event's id: one event may be rejected twice). */
  id: string;
  at: string;
  stage: DeadLetterStage;
  reason: string;
  eventId?: string;
  source?: string;
  /** The original payload as received (or the change the actor refused). */
  payload: unknown;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  continuation?: string;
}

export interface DeadLetterStore {
  put(letters: DeadLetter[]): Promise<void>;
  list(options?: { top?: number; continuation?: string }): Promise<DeadLetterPage>;
  remove(ids: string[]): Promise<void>;
}
