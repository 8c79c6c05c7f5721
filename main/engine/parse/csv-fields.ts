/**
 * The fast path for reading CSV records into fields.
 *
 * papaparse stays the parser of record: this only reads the regular shapes
 * (unquoted fields, and quoted fields that close right before a delimiter, a
 * terminator or the end of the text), where the result is unambiguous, and
 * gives up on anything else so the caller hands the chunk to papaparse.
 * Profiles showed papaparse, and the garbage its per-character state machine
 * leaves, at about half of a worker's time; the regular shapes come down to
 * native indexOf, slice and split.
 */
export class CsvRecordReader {
  private readonly quoteCode: number;
  private readonly escapedQuote: string;
  private text = '';
  private at = 0;
  /** Cached positions of the next quote and terminator at or after `at` (-1: none left). */
  private nextQuote = -1;
  private nextTerminator = -1;
  private nextDelimiter = -1;

  constructor(
    private readonly delimiter: string,
    private readonly quoteChar: string,
    private readonly terminator: string,
  ) {
    this.quoteCode = quoteChar.charCodeAt(0);
    this.escapedQuote = quoteChar + quoteChar;
  }

  begin(text: string): void {
    this.text = text;
    this.at = 0;
    this.nextQuote = text.indexOf(this.quoteChar);
    this.nextTerminator = text.indexOf(this.terminator);
    this.nextDelimiter = text.indexOf(this.delimiter);
  }

  get done(): boolean {
    return this.at >= this.text.length;
  }

  /**
   * The fields of the next record, or null when it is not in a regular shape
   * and papaparse must decide (the reader is then left where it was).
   */
  next(): string[] | null {
    const { text, at } = this;
    const lineEnd = this.terminatorFrom(at);
    const recordEnd = lineEnd === -1 ? text.length : lineEnd;
    const quote = this.quoteFrom(at);
    if (quote === -1 || quote >= recordEnd) {
      this.at = lineEnd === -1 ? text.length : lineEnd + this.terminator.length;
      return this.splitFields(at, recordEnd);
    }
    return this.nextQuoted();
  }

  /**
   * text.slice(start, end).split(delimiter), without the intermediate record string and with the
   * delimiter searches shared between records (measured: a third less time than slice + split).
   */
  private splitFields(start: number, end: number): string[] {
    const { text } = this;
    const step = this.delimiter.length;
    if (step === 0) return text.slice(start, end).split(this.delimiter);
    const fields: string[] = [];
    let from = start;
    for (;;) {
      const at = this.delimiterFrom(from);
      if (at === -1 || at + step > end) {
        fields.push(text.slice(from, end));
        return fields;
      }
      fields.push(text.slice(from, at));
      from = at + step;
    }
  }

  private nextQuoted(): string[] | null {
    const { text, delimiter, quoteChar, quoteCode, terminator } = this;
    const length = text.length;
    const fields: string[] = [];
    let at = this.at;
    for (;;) {
      let fieldEnd: number;
      if (text.charCodeAt(at) === quoteCode) {
        let close = text.indexOf(quoteChar, at + 1);
        let escaped = false;
        while (close !== -1 && text.charCodeAt(close + 1) === quoteCode) {
          escaped = true;
          close = text.indexOf(quoteChar, close + 2);
        }
        if (close === -1) return null;
        const inner = text.slice(at + 1, close);
        fields.push(escaped ? inner.replaceAll(this.escapedQuote, quoteChar) : inner);
        fieldEnd = close + 1;
        if (fieldEnd !== length && !text.startsWith(delimiter, fieldEnd) && !text.startsWith(terminator, fieldEnd)) return null;
      } else {
        const lineEnd = this.terminatorFrom(at);
        const delimiterAt = this.delimiterFrom(at);
        fieldEnd = lineEnd === -1 ? length : lineEnd;
        if (delimiterAt !== -1 && delimiterAt < fieldEnd) fieldEnd = delimiterAt;
        const quote = this.quoteFrom(at);
        // A quote inside an unquoted field is one of papaparse's judgement calls.
        if (quote !== -1 && quote < fieldEnd) return null;
        fields.push(text.slice(at, fieldEnd));
      }
      if (fieldEnd === length) {
        this.at = length;
        return fields;
      }
      if (text.startsWith(delimiter, fieldEnd)) {
        at = fieldEnd + delimiter.length;
        // A delimiter right before a terminator or the end leaves one empty last field.
        if (at === length || text.startsWith(terminator, at)) {
          fields.push('');
          this.at = at === length ? length : at + terminator.length;
          return fields;
        }
      } else {
        this.at = fieldEnd + terminator.length;
        return fields;
      }
    }
  }

  /** Next terminator at or after `from`; looked up again only once passed, so wide records stay linear. */
  private terminatorFrom(from: number): number {
    if (this.nextTerminator !== -1 && this.nextTerminator < from) this.nextTerminator = this.text.indexOf(this.terminator, from);
    return this.nextTerminator;
  }

  private delimiterFrom(from: number): number {
    if (this.nextDelimiter !== -1 && this.nextDelimiter < from) this.nextDelimiter = this.text.indexOf(this.delimiter, from);
    return this.nextDelimiter;
  }

  private quoteFrom(from: number): number {
    if (this.nextQuote !== -1 && this.nextQuote < from) this.nextQuote = this.text.indexOf(this.quoteChar, from);
    return this.nextQuote;
  }
}
