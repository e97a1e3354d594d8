// Events with neither a sequence nor a time get the time they arrived, once, at the edge: so a
// replay of what was published orders exactly as the first delivery did.
export function stampArrivalTime(events: unknown[], now: string): unknown[] {
  return events.map((e) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return e;
    const event = e as Record<string, unknown>;
    return event.sequence === undefined && event.time === undefined ? { ...event, time: now } : event;
  });
}
