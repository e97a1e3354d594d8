// Canonical changes: what a source mapping turns a source-native record into, and what the
// canonical CloudEvents (meshgraph.node.upsert / delete, meshgraph.edge.link / unlink) carry.
import type { FieldValue, InferFieldValues } from './fields';
import type { CanonicalChange, NodeDef } from './dsl';

function withoutUndefined(fields: Record<string, unknown>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) out[name] = value as FieldValue;
  return out;
}

/** Helpers for source mappings; passing the node type (not its name) keeps the fields typed. */
export const change = {
  /** Sets the given fields (a subset is fine; null clears a field; undefined leaves it alone). */
  upsert<N extends NodeDef>(type: N, id: string, fields: InferFieldValues<N['fields']>): CanonicalChange {
    return { op: 'upsert', type: type.name, id, fields: withoutUndefined(fields) };
  },
  delete(type: NodeDef, id: string): CanonicalChange {
    return { op: 'delete', type: type.name, id };
  },
  link(type: NodeDef, id: string, rel: string, to: NodeDef, toId: string): CanonicalChange {
    return { op: 'link', type: type.name, id, rel, toType: to.name, toId };
  },
  unlink(type: NodeDef, id: string, rel: string, to: NodeDef, toId: string): CanonicalChange {
    return { op: 'unlink', type: type.name, id, rel, toType: to.name, toId };
  },
};

export const CANONICAL_EVENT_TYPES = {
  upsert: 'meshgraph.node.upsert',
  delete: 'meshgraph.node.delete',
  link: 'meshgraph.edge.link',
  unlink: 'meshgraph.edge.unlink',
} as const;
export type CanonicalEventType = (typeof CANONICAL_EVENT_TYPES)[keyof typeof CANONICAL_EVENT_TYPES];

/** A CloudEvents 1.0 event as meshgraph reads and writes it (JSON format). */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  /** The source's version of the record: an integer or a decimal string, compared numerically. */
  sequence?: number | string;
  datacontenttype?: string;
  data?: unknown;
}

export const subjectOf = (type: string, id: string): string => `${type}/${id}`;

/** Parses `Customer/c1`; the id may itself contain slashes. */
export function parseSubject(subject: string): { type: string; id: string } | undefined {
  const slash = subject.indexOf('/');
  if (slash <= 0 || slash === subject.length - 1) return undefined;
  return { type: subject.slice(0, slash), id: subject.slice(slash + 1) };
}

export interface EventOrigin {
  source: string;
  /** Event id; a record that yields several changes gets `${id}:${index}` per change. */
  id: string;
  sequence?: number | string;
  time?: string;
}

/** The canonical CloudEvent that carries one change. */
export function changeToEvent(change: CanonicalChange, origin: EventOrigin, id = origin.id): CloudEvent {
  const event: CloudEvent = {
    specversion: '1.0',
    id,
    source: origin.source,
    type: CANONICAL_EVENT_TYPES[change.op],
    subject: subjectOf(change.type, change.id),
    ...(origin.time !== undefined ? { time: origin.time } : {}),
    ...(origin.sequence !== undefined ? { sequence: origin.sequence } : {}),
  };
  if (change.op === 'upsert') event.data = change.fields;
  if (change.op === 'link' || change.op === 'unlink') event.data = { rel: change.rel, to: subjectOf(change.toType, change.toId) };
  return event;
}

export function changesToEvents(changes: readonly CanonicalChange[], origin: EventOrigin): CloudEvent[] {
  return changes.map((c, i) => changeToEvent(c, origin, changes.length === 1 ? origin.id : `${origin.id}:${i}`));
}

/** The change a canonical event carries, or undefined when it is not a well-formed canonical event. */
export function eventToChange(event: CloudEvent): CanonicalChange | undefined {
  const subject = event.subject === undefined ? undefined : parseSubject(event.subject);
  if (!subject) return undefined;
  const data = event.data as Record<string, unknown> | undefined;
  switch (event.type) {
    case CANONICAL_EVENT_TYPES.upsert:
      return { op: 'upsert', ...subject, fields: (data ?? {}) as Record<string, FieldValue> };
    case CANONICAL_EVENT_TYPES.delete:
      return { op: 'delete', ...subject };
    case CANONICAL_EVENT_TYPES.link:
    case CANONICAL_EVENT_TYPES.unlink: {
      const to = typeof data?.['to'] === 'string' ? parseSubject(data['to']) : undefined;
      if (!to || typeof data?.['rel'] !== 'string') return undefined;
      const op = event.type === CANONICAL_EVENT_TYPES.link ? 'link' : 'unlink';
      return { op, ...subject, rel: data['rel'], toType: to.type, toId: to.id };
    }
    default:
      return undefined;
  }
}
