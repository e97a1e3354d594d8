// Row helpers for Azure Table storage: shard choice and long strings split across properties
// (32K characters each; 1 MiB per row).
import type { TableEntity } from '@azure/data-tables';
import { fnv1a32 } from '../../core/hash';

export const SHARDS = 8;
/** Azurite refuses string properties over 32,768 characters; Azure allows 32K UTF-16 chars. */
const CHUNK = 32_000;
/** Azure's entity limit is 1 MiB (UTF-16 counted); keep well under it. */
const MAX_CHUNKS = 15;

export type Row = TableEntity<Record<string, unknown>>;

export class StateTooLargeError extends Error {}

export function shardOf(id: string): string {
  return `s${fnv1a32(id) % SHARDS}`;
}

/**
 * U+2028 and U+2029 written as `\u2028` / `\u2029`: Azurite 3.35 fails any table transaction that
 * holds them raw (and a failed entity commit would be retried forever). In JSON text they can only
 * stand inside strings, where JSON.parse reads the escape back as the same character.
 */
export function tableSafe(text: string): string {
  return text.replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/** Stores JSON `text` in properties `<prefix>0..` with its chunk count in `<prefix>n` (-1: absent). */
export function putChunks(row: Row, json: string | undefined, what: string, prefix = 'c'): Row {
  if (json === undefined) return { ...row, [`${prefix}n`]: -1 };
  const text = tableSafe(json);
  const count = Math.ceil(text.length / CHUNK);
  if (count > MAX_CHUNKS) throw new StateTooLargeError(`${what} is ${text.length} characters; the table store keeps at most ${MAX_CHUNKS * CHUNK}`);
  const out: Row = { ...row, [`${prefix}n`]: count };
  for (let i = 0; i < count; i++) out[`${prefix}${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

/** The blob a property holds its JSON in (putChunks' `<prefix>n` is -2 then), if any. */
export function blobRef(row: Record<string, unknown>, prefix = 'c'): string | undefined {
  const name = row[`${prefix}b`];
  return Number(row[`${prefix}n`]) === -2 && typeof name === 'string' ? name : undefined;
}

/** Marks a property as kept in blob `name` (for JSON too long for the row). */
export function putBlobRef(row: Row, name: string, prefix = 'c'): Row {
  return { ...row, [`${prefix}n`]: -2, [`${prefix}b`]: name };
}

export function getChunks(row: Record<string, unknown>, prefix = 'c'): string | undefined {
  const n = Number(row[`${prefix}n`] ?? -1);
  if (n < 0) return undefined;
  let text = '';
  for (let i = 0; i < n; i++) text += String(row[`${prefix}${i}`] ?? '');
  return text;
}
