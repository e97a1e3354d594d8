// A streaming RFC 4180 parser: fields separated by a delimiter, optionally quoted with `"`
// (a quote inside a quoted field is doubled), records ended by CRLF, LF or CR; a quoted field
// may hold delimiters and line breaks. Text arrives in chunks of any size (a chunk may end in
// the middle of a field, a quote pair or a CRLF). Malformed input throws a CsvError naming the
// line and the column, never a guess.

export interface CsvRecord {
  fields: string[];
  /** The physical line (1-based) the record starts on. */
  line: number;
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

const enum State {
  /** At the start of a field. */
  FieldStart,
  /** Inside an unquoted field. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field: a doubled quote or the field's end. */
  QuoteInQuoted,
  /** Just after a field's closing quote: only a delimiter or a line break may follow. */
  AfterQuoted,
}

export class CsvParser {
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  /** A CR ended the last record: an LF right after it belongs to the same line break. */
  private afterCR = false;
  /** The last quoted text seen ended in a CR: an LF starting the next chunk is the same break. */
  private pendingCRInQuote = false;
  private first = true;
  private readonly delimiter: number;

  constructor(delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
      throw new Error(`the CSV delimiter must be one character other than a quote or a line break, not ${JSON.stringify(delimiter)}`);
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Parses a chunk; complete records are appended to `out`. */
  push(chunk: string, out: CsvRecord[]): void {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark (Excel writes one)
    }
    const n = text.length;
    let i = 0;
    // Start of the current field's pending slice in `text` (unquoted or quoted run).
    let start = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case State.FieldStart:
          if (this.afterCR) {
            this.afterCR = false;
            if (c === LF) {
              i++;
              continue;
            }
          }
          if (c === QUOTE) {
            this.state = State.Quoted;
            start = i + 1;
          } else if (c === this.delimiter) {
            this.fields.push('');
          } else if (c === CR || c === LF) {
            this.endRecord(out, c);
          } else {
            // The unquoted run starts here; the Unquoted case reads it from this character.
            this.state = State.Unquoted;
            start = i;
            continue;
          }
          i++;
          break;
        case State.Unquoted: {
          // Fast path: run to the next delimiter or line break.
          let j = i;
          let d = c;
          while (j < n && d !== this.delimiter && d !== CR && d !== LF && d !== QUOTE) d = text.charCodeAt(++j);
          if (j === n) {
            this.field += text.slice(start, n);
            i = n;
            start = n;
            break;
          }
          if (d === QUOTE)
            throw new CsvError(this.line, this.fields.length + 1, 'a quote inside an unquoted field; quote the whole field and double the quote ("")');
          this.fields.push(this.field + text.slice(start, j));
          this.field = '';
          if (d === this.delimiter) this.state = State.FieldStart;
          else this.endRecord(out, d);
          i = j + 1;
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          for (let k = i; k < end; k++) {
            const ch = text.charCodeAt(k);
            // Count line breaks inside the field (CRLF once) so later messages name the right line.
            if (ch === LF) {
              if (k === 0 ? !this.pendingCRInQuote : text.charCodeAt(k - 1) !== CR) this.line++;
            } else if (ch === CR) this.line++;
          }
          this.pendingCRInQuote = end > i && text.charCodeAt(end - 1) === CR;
          this.field += text.slice(start, end);
          if (q < 0) {
            i = n;
            start = n;
          } else {
            this.state = State.QuoteInQuoted;
            i = q + 1;
          }
          break;
        }
        case State.QuoteInQuoted:
          this.pendingCRInQuote = false;
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            start = i + 1;
            i++;
          } else {
            this.state = State.AfterQuoted;
          }
          break;
        case State.AfterQuoted:
          if (c === this.delimiter) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
          } else if (c === CR || c === LF) {
            this.fields.push(this.field);
            this.field = '';
            this.endRecord(out, c);
          } else {
            throw new CsvError(
              this.line,
              this.fields.length + 1,
              `unexpected ${JSON.stringify(String.fromCharCode(c))} after the closing quote of a field (a quote inside a quoted field must be doubled)`,
            );
          }
          i++;
          break;
      }
    }
  }

  /** The end of the input: the last record (without a final line break) is appended to `out`. */
  end(out: CsvRecord[]): void {
    switch (this.state) {
      case State.Quoted:
        throw new CsvError(this.recordLine, this.fields.length + 1, 'a quoted field opened on this line is never closed');
      case State.QuoteInQuoted:
      case State.AfterQuoted:
      case State.Unquoted:
        this.fields.push(this.field);
        this.field = '';
        this.flush(out);
        break;
      case State.FieldStart:
        // "a,b," ends with an empty field; a blank last line ends nothing.
        if (this.fields.length > 0) {
          this.fields.push('');
          this.flush(out);
        }
        break;
    }
  }

  private endRecord(out: CsvRecord[], breakChar: number): void {
    if (this.state === State.FieldStart && this.fields.length > 0) this.fields.push(''); // "a,b,\n"
    this.state = State.FieldStart;
    // A blank line holds no record.
    if (this.fields.length > 0) this.flush(out);
    this.line++;
    this.recordLine = this.line;
    this.afterCR = breakChar === CR;
  }

  private flush(out: CsvRecord[]): void {
    out.push({ fields: this.fields, line: this.recordLine });
    this.fields = [];
  }
}

/** Parses a whole text (tests, small inputs). */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const parser = new CsvParser(delimiter);
  const out: CsvRecord[] = [];
  parser.push(text, out);
  parser.end(out);
  return out;
}
