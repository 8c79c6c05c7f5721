/**
 * Finds CSV record boundaries in raw bytes without decoding them, so the
 * reader can hand workers byte ranges that start and end on whole records.
 *
 * The state machine follows papaparse's quoting rules, so a chunk ends where
 * papaparse would end a record: a quote opens a quoted field only at the start
 * of a field; inside one, `""` is an escaped quote, and a quote closes the field
 * only when followed (after optional spaces) by a delimiter, a newline or the
 * end of input. Any other quote is data. Delimiters, quotes and newlines are
 * ASCII, so in UTF-8 and windows-1252 they never occur inside a multi-byte
 * character; UTF-16 input is scanned in 2-byte code units.
 */

const enum State {
  FieldStart = 0,
  Unquoted = 1,
  Quoted = 2,
  QuoteInQuoted = 3,
  SpaceAfterQuote = 4,
}

const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;

export type NewlineMode = '\n' | '\r\n' | '\r';

export interface ScanOptions {
  delimiter: string;
  quoteChar: string;
  newline: NewlineMode;
  /** 1 for single-byte-unit encodings (UTF-8, windows-1252), 2 for UTF-16. */
  unitBytes: 1 | 2;
  bigEndian: boolean;
}

/**
 * Resumable scanner: feed it consecutive buffers; it reports boundaries
 * (offsets just after a record's terminator) relative to each buffer.
 */
export class CsvBoundaryScanner {
  private state: State = State.FieldStart;
  /** A CR was the last unit seen in CRLF mode; a following LF ends the record. */
  private pendingCr = false;
  private readonly delimiter: number;
  private readonly quote: number;

  constructor(private readonly options: ScanOptions) {
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quoteChar.charCodeAt(0);
  }

  /** Resets to "start of a record", as at a committed chunk boundary. */
  reset(): void {
    this.state = State.FieldStart;
    this.pendingCr = false;
  }

  get atRecordStart(): boolean {
    return this.state === State.FieldStart && !this.pendingCr;
  }

  /**
   * Scans `bytes[from, to)` and calls `onBoundary(offset)` after every record
   * terminator. Returns nothing; state carries over to the next call.
   */
  scan(bytes: Uint8Array, from: number, to: number, onBoundary: (offset: number) => void): void {
    const { unitBytes, bigEndian, newline } = this.options;
    const delimiter = this.delimiter;
    const quote = this.quote;
    let state = this.state;
    let pendingCr = this.pendingCr;
    for (let i = from; i + unitBytes <= to; i += unitBytes) {
      const unit =
        unitBytes === 1
          ? bytes[i]!
          : bigEndian
            ? (bytes[i]! << 8) | bytes[i + 1]!
            : bytes[i]! | (bytes[i + 1]! << 8);
      let terminates = false;
      if (newline === '\r\n') {
        if (pendingCr && unit === LF) terminates = true;
        pendingCr = false;
      }
      const isNewline =
        newline === '\n' ? unit === LF : newline === '\r' ? unit === CR : false;
      // In CRLF mode the CR is remembered; the LF after it ends the record.
      const isCr = newline === '\r\n' && unit === CR;

      switch (state) {
        case State.FieldStart:
        case State.Unquoted:
          if (terminates || isNewline) {
            state = State.FieldStart;
            onBoundary(i + unitBytes);
          } else if (isCr) {
            pendingCr = true;
            state = State.Unquoted;
          } else if (unit === delimiter) state = State.FieldStart;
          else if (state === State.FieldStart && unit === quote) state = State.Quoted;
          else state = State.Unquoted;
          break;
        case State.Quoted:
          if (unit === quote) state = State.QuoteInQuoted;
          break;
        case State.QuoteInQuoted:
        case State.SpaceAfterQuote:
          if (unit === quote && state === State.QuoteInQuoted) state = State.Quoted;
          else if (terminates || isNewline) {
            state = State.FieldStart;
            onBoundary(i + unitBytes);
          } else if (isCr) {
            pendingCr = true;
            state = State.SpaceAfterQuote;
          } else if (unit === delimiter) state = State.FieldStart;
          else if (unit === SPACE) state = State.SpaceAfterQuote;
          else state = State.Quoted;
          break;
      }
      // A CR not followed by LF is ordinary data in CRLF mode.
      if (terminates) pendingCr = false;
    }
    this.state = state;
    this.pendingCr = pendingCr;
  }
}

/** Newline-delimited formats (JSONL): every terminator is a boundary. */
export function scanLineBoundaries(
  bytes: Uint8Array,
  from: number,
  to: number,
  onBoundary: (offset: number) => void,
): void {
  let i = bytes.indexOf(LF, from);
  while (i !== -1 && i < to) {
    onBoundary(i + 1);
    i = bytes.indexOf(LF, i + 1);
  }
}
