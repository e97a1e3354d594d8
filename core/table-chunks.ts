// Row helpers for Azure Table storage: shard choice and long strings split across properties
// (32K characters each; 1 MiB per row).
import type { TableEntity } from '@azure/data-tables';
import { fnv1a32 } from './hash';

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

/** Stores `text` in properties `<prefix>0..` with its chunk count in `<prefix>n` (-1: absent). */
export function putChunks(row: Row, text: string | undefined, what: string, prefix = 'c'): Row {
  if (text === undefined) return { ...row, [`${prefix}n`]: -1 };
  const count = Math.ceil(text.length / CHUNK);
  if (count > MAX_CHUNKS) throw new StateTooLargeError(`${what} is ${text.length} characters; the table store keeps at most ${MAX_CHUNKS * CHUNK}`);
  const out: Row = { ...row, [`${prefix}n`]: count };
  for (let i = 0; i < count; i++) out[`${prefix}${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

export function getChunks(row: Record<string, unknown>, prefix = 'c'): string | undefined {
  const n = Number(row[`${prefix}n`] ?? -1);
  if (n < 0) return undefined;
  let text = '';
  for (let i = 0; i < n; i++) text += String(row[`${prefix}${i}`] ?? '');
  return text;
}
