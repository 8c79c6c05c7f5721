/**
 * Exports in an encoding other than UTF-8 (iconv-lite). A character the target encoding has no code for
 * would come out as `?`, changing the value without a word: each row is checked on the way, and the first
 * such character stops the export with the row and column it is in (never the value itself).
 */
import { SluiceError } from '../errors.js';
import { iconv } from '../source/iconv.js';
import type { SupportedEncoding } from '../types.js';

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Whether every character of `text` survives encoding to `encoding` and back. */
export function fitsEncoding(text: string, encoding: SupportedEncoding): boolean {
  if (encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be') return true;
  // Every supported legacy encoding holds ASCII as it is: the common cell needs no round trip.
  if (ASCII_ONLY.test(text)) return true;
  return iconv().decode(iconv().encode(text, encoding), encoding) === text;
}

/** The bytes of `text` in `encoding` (UTF-8 by Node itself). */
export function encodeText(text: string, encoding: SupportedEncoding): Buffer {
  return encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv().encode(text, encoding);
}

/**
 * `line` (a row's text), checked: a row whose text does not fit is looked at cell by cell (`cellText` gives
 * one cell's text) to name the column. Rows are numbered in export order from 1.
 */
export function checkedLines(
  line: (row: unknown[]) => string,
  cellText: (row: unknown[], column: number) => string,
  names: readonly string[],
  encoding: SupportedEncoding,
): (row: unknown[]) => string {
  let rowNumber = 0;
  return (row) => {
    rowNumber++;
    const text = line(row);
    if (fitsEncoding(text, encoding)) return text;
    const column = names.findIndex((_, i) => !fitsEncoding(cellText(row, i), encoding));
    throw unrepresentable(encoding, `row ${rowNumber}, column "${names[Math.max(0, column)]}"`);
  };
}

/** Refuses a header whose column names do not fit. */
export function checkHeader(names: readonly string[], encoding: SupportedEncoding): void {
  const column = names.findIndex((name) => !fitsEncoding(name, encoding));
  if (column !== -1) throw unrepresentable(encoding, `the header (column "${names[column]}")`);
}

function unrepresentable(encoding: SupportedEncoding, where: string): SluiceError {
  return new SluiceError(
    'ENCODING_UNSUPPORTED',
    `Cannot export in ${encoding}: ${where} holds a character ${encoding} has no code for. Export in UTF-8 (the default) or another encoding, or change the value first; no file was written.`,
  );
}
