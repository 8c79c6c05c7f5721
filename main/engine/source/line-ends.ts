/**
 * Line ends for papaparse. Sluice reads LF and CRLF files alike (record-boundary.ts): every LF outside
 * quotes ends a record and an unquoted CR right before it belongs to the line end. papaparse takes one
 * fixed newline string, so text for it is first stripped of those CRs and parsed with "\n"; positions in
 * the stripped text map back to the original with `originalPosition`.
 */
import type { Dialect } from '../types.js';
import { CsvBoundaryScanner } from './record-boundary.js';

const CR = 0x0d;

export interface PapaText {
  /** The text papaparse reads. */
  text: string;
  /** The newline papaparse is given. */
  newline: '\n' | '\r';
  /** Positions (in the original text, ascending) of the CRs left out. */
  dropped: readonly number[];
}

/**
 * `text` ready for papaparse. `atEnd`: the text ends where the file does, so a CR at its very end
 * (outside quotes) is a line end too, as Python's csv reads it.
 */
export function papaText(text: string, dialect: Pick<Dialect, 'delimiter' | 'quoteChar' | 'newline'>, atEnd: boolean): PapaText {
  if (dialect.newline === '\r') return { text, newline: '\r', dropped: [] };
  // Most text has no CR at all: nothing to look for.
  if (text.indexOf('\r') === -1) return { text, newline: '\n', dropped: [] };
  // The boundary scanner on the text's UTF-16 units finds the LFs that end records, with the quoting rules
  // the import's byte scanner uses. Only papaparse's paths come here, and they step through every character anyway.
  const units = Buffer.from(text, 'utf16le');
  const scanner = new CsvBoundaryScanner({ delimiter: dialect.delimiter, quoteChar: dialect.quoteChar, newline: '\n', unitBytes: 2, bigEndian: false });
  const dropped: number[] = [];
  scanner.scan(units, 0, units.length, (offset) => {
    const lineFeed = offset / 2 - 1;
    if (lineFeed > 0 && text.charCodeAt(lineFeed - 1) === CR) dropped.push(lineFeed - 1);
  });
  if (atEnd && text.charCodeAt(text.length - 1) === CR && !scanner.insideQuotes) dropped.push(text.length - 1);
  if (dropped.length === 0) return { text, newline: '\n', dropped };
  const parts: string[] = [];
  let from = 0;
  for (const at of dropped) {
    parts.push(text.slice(from, at));
    from = at + 1;
  }
  parts.push(text.slice(from));
  return { text: parts.join(''), newline: '\n', dropped };
}

/** Maps positions in a PapaText's text back to the original text; positions must not decrease between calls. */
export class OriginalPositions {
  private passed = 0;
  constructor(private readonly dropped: readonly number[]) {}

  originalPosition(position: number): number {
    // The k-th dropped CR sat at dropped[k] in the original, at dropped[k] - k in the stripped text.
    while (this.passed < this.dropped.length && this.dropped[this.passed]! - this.passed <= position) this.passed++;
    return position + this.passed;
  }
}

/**
 * The line end most records of `text` end with ('\r\n' or '\n'; a tie goes to the first record's), counting
 * only record ends: a line break inside a quoted field is data, not the file's style.
 */
export function dominantLineEnd(text: string, dialect: Pick<Dialect, 'delimiter' | 'quoteChar'>): '\n' | '\r\n' {
  // Most files have no CR at all: every line end is a bare LF, and scanning the sample for quotes would not change that.
  if (!text.includes('\r')) return '\n';
  const units = Buffer.from(text, 'utf16le');
  const scanner = new CsvBoundaryScanner({ delimiter: dialect.delimiter, quoteChar: dialect.quoteChar, newline: '\n', unitBytes: 2, bigEndian: false });
  let crlf = 0;
  let bare = 0;
  let first: '\n' | '\r\n' | null = null;
  scanner.scan(units, 0, units.length, (offset) => {
    const lineFeed = offset / 2 - 1;
    const style = lineFeed > 0 && text.charCodeAt(lineFeed - 1) === CR ? '\r\n' : '\n';
    first ??= style;
    if (style === '\r\n') crlf++;
    else bare++;
  });
  if (crlf === bare) return first ?? '\n';
  return crlf > bare ? '\r\n' : '\n';
}
