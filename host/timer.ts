// Timer triggers, as the Functions host runs them: a six-field NCRONTAB schedule
// ({second} {minute} {hour} {day} {month} {day-of-week}, e.g. `*/5 * * * * *`), checked every
// second; an occurrence starts an invocation unless the previous one is still running (the host
// holds one lock per timer function), and a failed invocation is logged, the schedule goes on.
import { invoke, type HostedFunction, type LogSink, type OutputSink } from './worker/app';

type Field = Set<number>;

const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function parseField(text: string, [min, max]: [number, number], what: string): Field {
  const out: Field = new Set();
  for (const part of text.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`timer schedule: "${part}" in the ${what} field is not a number, range, list or step`);
    const from = m[1] === '*' ? min : Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] !== undefined ? max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from < min || to > max || from > to || step < 1) throw new Error(`timer schedule: "${part}" is outside the ${what} field's ${min}-${max}`);
    for (let v = from; v <= to; v += step) out.add(v === 7 && what === 'day-of-week' ? 0 : v);
  }
  return out;
}

export interface Schedule {
  matches(at: Date): boolean;
}

/** A six-field NCRONTAB expression (UTC). */
export function parseSchedule(expression: string): Schedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`timer schedule "${expression}" must have six fields: {second} {minute} {hour} {day} {month} {day-of-week}`);
  const names = ['second', 'minute', 'hour', 'day', 'month', 'day-of-week'];
  const fields = parts.map((p, i) => parseField(p, RANGES[i]!, names[i]!));
  return {
    matches: (at) => {
      const values = [at.getUTCSeconds(), at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()];
      return values.every((v, i) => fields[i]!.has(v));
    },
  };
}

export interface TimerTriggers {
  stop(): Promise<void>;
}

export function startTimers(functions: HostedFunction[], options: { log: LogSink; durableClient: () => unknown; outputs?: OutputSink }): TimerTriggers {
  const timers = functions.map((fn) => ({
    fn,
    schedule: parseSchedule(String(fn.trigger.schedule ?? '')),
    running: undefined as Promise<void> | undefined,
    last: undefined as Date | undefined,
  }));
  let lastSecond = Math.floor(Date.now() / 1000);
  const check = () => {
    const second = Math.floor(Date.now() / 1000);
    for (let s = lastSecond + 1; s <= second; s++) {
      const at = new Date(s * 1000);
      for (const t of timers) {
        if (!t.schedule.matches(at) || t.running) continue;
        const info = {
          schedule: { adjustForDST: true },
          scheduleStatus: { last: (t.last ?? at).toISOString(), next: at.toISOString(), lastUpdated: new Date().toISOString() },
          isPastDue: false,
        };
        t.last = at;
        t.running = invoke(
          t.fn,
          { trigger: { json: JSON.stringify(info) }, extraByType: { durableClient: options.durableClient() } },
          options.log,
          options.outputs,
        )
          .then(
            () => undefined,
            (err: unknown) =>
              options.log({
                level: 'error',
                category: 'host',
                fn: t.fn.name,
                invocationId: '',
                message: `timer function failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
              }),
          )
          .finally(() => (t.running = undefined));
      }
    }
    lastSecond = second;
  };
  const interval = timers.length > 0 ? setInterval(check, 250) : undefined;
  return {
    stop: async () => {
      clearInterval(interval);
      await Promise.all(timers.flatMap((t) => (t.running ? [t.running] : [])));
    },
  };
}
