// What every format's reader shares: a row as the format gives it, and the error for a file that
// cannot be read as its format (naming the file and the place).
import path from 'node:path';

export class SourceFileError extends Error {
  override readonly name = 'SourceFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${path.basename(file)} ${message}`);
  }
}

/** One row as the format gives it: cells in column order, or an object (NDJSON). */
export interface RawRow {
  /** Where the row is, for messages: `row 12` (a sheet), `line 12` (text files). */
  at: string;
  cells?: unknown[];
  object?: Record<string, unknown>;
  /** The row cannot be read (a line that is not JSON, a wrong field count): rejected with this. */
  problem?: string;
}
