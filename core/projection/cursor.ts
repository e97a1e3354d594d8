// Cursors are the sort values of the last hit (Elasticsearch's `search_after`, SQLite's keyset),
// encoded so callers treat them as opaque and cannot confuse them with ids.
import { UserError } from '../errors';

export type CursorValue = string | number | boolean | null;

export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, expectedLength: number): CursorValue[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const valid =
    Array.isArray(values) && values.length === expectedLength && values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  if (!valid) throw new UserError(400, 'invalid-cursor', 'the cursor is not one this search returned (was the sort changed?)');
  return values as CursorValue[];
}
