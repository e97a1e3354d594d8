// A source's cell or column value, as the record field the contract declares for it wants it:
// spreadsheets give numbers, dates and rich text; CSV gives strings; Postgres gives strings for
// numeric and bigint columns. A value that cannot be read as the field's kind is a reason naming
// what was found, never a guess.
import type { FieldModel } from '../core/contracts';

export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value instanceof Date ? value.toISOString() : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A date without a time of day (a spreadsheet's date cell is midnight UTC) as YYYY-MM-DD. */
function dateText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** Anything as text: numbers without a trailing .0, dates as ISO 8601. */
export function asText(value: unknown): string {
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function one(value: unknown, field: FieldModel): Coerced {
  switch (field.kind) {
    case 'text':
    case 'keyword':
      return { ok: true, value: asText(value) };
    case 'enum': {
      const text = asText(value).trim();
      const values = field.values ?? [];
      if (values.includes(text)) return { ok: true, value: text };
      const folded = values.find((v) => v.toLowerCase() === text.toLowerCase());
      return folded ? { ok: true, value: folded } : { ok: false, reason: `${show(value)} is not one of ${values.join(', ')}` };
    }
    case 'int': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'bigint'
            ? Number(value)
            : /^\s*[+-]?\d+\s*$/.test(String(value))
              ? Number(String(value).trim())
              : NaN;
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false, reason: `${show(value)} is not an integer` };
    }
    case 'float': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: `${show(value)} is not a number` };
    }
    case 'bool': {
      if (typeof value === 'boolean') return { ok: true, value };
      const text = asText(value).trim().toLowerCase();
      if (TRUE.has(text)) return { ok: true, value: true };
      if (FALSE.has(text)) return { ok: true, value: false };
      return { ok: false, reason: `${show(value)} is not a yes/no value (true, false, yes, no, 1, 0)` };
    }
    case 'datetime': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? { ok: false, reason: 'is not a valid date' } : { ok: true, value: value.toISOString() };
      const text = asText(value).trim();
      const iso = ISO_DATE.test(text) ? `${text}T00:00:00Z` : ISO_DATETIME_WITH_ZONE.test(text) ? text.replace(' ', 'T') : undefined;
      if (iso !== undefined && !Number.isNaN(Date.parse(iso)) && validCalendarDate(iso)) return { ok: true, value: iso };
      return { ok: false, reason: `${show(value)} is not a date (ISO 8601 with a zone, e.g. 2024-05-01T09:30:00Z, or a date 2024-05-01)` };
    }
  }
}

/** Date.parse accepts 2024-02-31 (rolling over to March): the day must exist. */
function validCalendarDate(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * A value for a record field. Empty (null, undefined, blank text) is null, or a reason when the
 * field is required. A list field takes an array, a JSON array, or `;`-separated text.
 */
export function coerce(value: unknown, field: FieldModel): Coerced {
  if (isEmpty(value)) return field.required ? { ok: false, reason: 'is empty, but the contract requires a value' } : { ok: true, value: null };
  if (!field.list) return one(value, field);
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else {
    const text = asText(value).trim();
    try {
      items = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(';').map((s) => s.trim());
    } catch {
      return { ok: false, reason: `${show(value)} is not a JSON array` };
    }
    if (!Array.isArray(items)) return { ok: false, reason: `${show(value)} is not a list` };
  }
  const out: unknown[] = [];
  for (const item of items) {
    const c = one(item, field);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return { ok: true, value: out };
}

/** A column the contract does not declare goes through as plain JSON (dates as ISO text). */
export function passThrough(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
