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
import type { Dialect } from '../types.js';
import { bufferView } from './buffer-view.js';
import { unitBytesOf } from './encoding.js';

function noneAsLength(found: number, length: number): number {
  return found === -1 ? length : found;
}

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
 *
 * LF and CRLF files are read alike, as Python's csv, pandas and DuckDB read them: every LF outside quotes
 * ends a record (a bare LF in a CRLF file too), and a CR right before it is part of the line end (the
 * field readers drop it). So a file with mixed line ends splits where those readers split it. Only the
 * old Mac newline (CR alone) is a mode of its own.
 */
export class CsvBoundaryScanner {
  private state: State = State.FieldStart;
  private readonly delimiter: number;
  private readonly quote: number;
  /** The unit that ends records: LF for LF and CRLF files, CR for CR files. */
  private readonly mark: number;

  /** The scanner for a CSV dialect: its delimiter, quote, terminator and encoding's unit size. */
  static forDialect(dialect: Pick<Dialect, 'delimiter' | 'quoteChar' | 'newline' | 'encoding'>): CsvBoundaryScanner {
    return new CsvBoundaryScanner({
      delimiter: dialect.delimiter,
      quoteChar: dialect.quoteChar,
      newline: dialect.newline,
      unitBytes: unitBytesOf(dialect.encoding),
      bigEndian: dialect.encoding === 'utf-16be',
    });
  }

  constructor(private readonly options: ScanOptions) {
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quoteChar.charCodeAt(0);
    this.mark = options.newline === '\r' ? CR : LF;
  }

  /** Resets to "start of a record", as at a committed chunk boundary. */
  reset(): void {
    this.state = State.FieldStart;
  }

  get atRecordStart(): boolean {
    return this.state === State.FieldStart;
  }

  /** Whether the units scanned so far end inside a quoted field (a CR there is data, not a line end). */
  get insideQuotes(): boolean {
    return this.state === State.Quoted;
  }

  /** Like scan(), but returns only the last boundary (or -1); see scanFast. */
  scanForLast(bytes: Uint8Array, from: number, to: number): number {
    return this.scanFast(bytes, from, to, null);
  }

  /**
   * The same machine as scan(), faster on ordinary data: between quotes it
   * jumps from terminator to terminator with native indexOf instead of
   * stepping through every byte, and steps byte-wise only right after a
   * closing quote. Reports every boundary when `onBoundary` is given,
   * otherwise only returns the last one. State afterwards equals scan()'s.
   */
  scanFast(bytes: Uint8Array, from: number, to: number, onBoundary: ((offset: number) => void) | null): number {
    let last = -1;
    const report = (offset: number) => {
      last = offset;
      onBoundary?.(offset);
    };
    if (this.options.unitBytes !== 1) {
      this.scan(bytes, from, to, report);
      return last;
    }
    const quote = this.quote;
    const delimiter = this.delimiter;
    const mark = this.mark;
    const view = bufferView(bytes);
    // The next quote and mark at or after the last search. Searches only move forward,
    // so each byte is searched at most once per kind and a huge record stays linear.
    let nextQuote = -1;
    let nextMark = -1;
    const findQuote = (at: number): number => {
      if (nextQuote < at) nextQuote = noneAsLength(view.indexOf(quote, at), view.length);
      return nextQuote < to ? nextQuote : -1;
    };
    const findMark = (at: number, before: number): number => {
      if (nextMark < at) nextMark = noneAsLength(view.indexOf(mark, at), view.length);
      return nextMark < before ? nextMark : -1;
    };
    let i = from;
    while (i < to) {
      const state = this.state;
      if (state === State.Quoted) {
        const q = findQuote(i);
        if (q === -1) return last;
        this.state = State.QuoteInQuoted;
        i = q + 1;
        continue;
      }
      if (state !== State.FieldStart && state !== State.Unquoted) {
        this.scan(bytes, i, i + 1, report);
        i++;
        continue;
      }
      const q = findQuote(i);
      const end = q === -1 ? to : q;
      // Every terminator before the next quote ends a record.
      for (let n = findMark(i, end); n !== -1; n = findMark(n + 1, end)) report(n + 1);
      if (end > i) {
        const byte = bytes[end - 1]!;
        this.state = byte === mark || byte === delimiter ? State.FieldStart : State.Unquoted;
      }
      if (end === to) return last;
      // The quote itself: it opens a quoted field only at the start of a field.
      this.state = this.state === State.FieldStart ? State.Quoted : State.Unquoted;
      i = end + 1;
    }
    return last;
  }

  /**
   * Scans `bytes[from, to)` and calls `onBoundary(offset)` after every record
   * terminator. Returns nothing; state carries over to the next call.
   */
  scan(bytes: Uint8Array, from: number, to: number, onBoundary: (offset: number) => void): void {
    const { unitBytes, bigEndian, newline } = this.options;
    const delimiter = this.delimiter;
    const quote = this.quote;
    const mark = this.mark;
    // After a closing quote papaparse skips whitespace before the delimiter or line end: a CR before LF is some.
    const crIsSpace = newline !== '\r';
    let state = this.state;
    for (let i = from; i + unitBytes <= to; i += unitBytes) {
      const unit =
        unitBytes === 1
          ? bytes[i]!
          : bigEndian
            ? (bytes[i]! << 8) | bytes[i + 1]!
            : bytes[i]! | (bytes[i + 1]! << 8);
      switch (state) {
        case State.FieldStart:
        case State.Unquoted:
          if (unit === mark) {
            state = State.FieldStart;
            onBoundary(i + unitBytes);
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
          else if (unit === mark) {
            state = State.FieldStart;
            onBoundary(i + unitBytes);
          } else if (unit === delimiter) state = State.FieldStart;
          else if (unit === SPACE || (crIsSpace && unit === CR)) state = State.SpaceAfterQuote;
          else state = State.Quoted;
          break;
      }
    }
    this.state = state;
  }
}

/**
 * Newline-delimited formats (JSONL): every terminator is a boundary. In UTF-16 (`from` on a code unit) a
 * line ends after the whole LF unit (0A 00 in LE, 00 0A in BE); a 0x0A byte of another character (Ċ is
 * 0A 01 in LE) is none.
 */
export function scanLineBoundaries(
  bytes: Uint8Array,
  from: number,
  to: number,
  onBoundary: (offset: number) => void,
  unitBytes: 1 | 2 = 1,
  bigEndian = false,
): void {
  const view = bufferView(bytes);
  let i = view.indexOf(LF, from);
  if (unitBytes === 1) {
    while (i !== -1 && i < to) {
      onBoundary(i + 1);
      i = view.indexOf(LF, i + 1);
    }
    return;
  }
  const lfAt = bigEndian ? 1 : 0;
  while (i !== -1 && i < to) {
    const unit = i - lfAt;
    if ((unit - from) % 2 === 0 && unit + 2 <= to && bytes[unit + 1 - lfAt] === 0) onBoundary(unit + 2);
    i = view.indexOf(LF, i + 1);
  }
}
