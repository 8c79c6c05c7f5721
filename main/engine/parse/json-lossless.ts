/**
 * JSON values without loss. JSON.parse turns `2.0` into the integer 2 and
 * rounds integers above 2^53; a data tool must give both back as written.
 * Lines that cannot hit either case (the common one) still go through the
 * native JSON.parse; the others through a small exact parser.
 */

/** A JSON number that no JS number holds exactly (an integer beyond int64, a float beyond double range), kept as its text. */
export class JsonNumberText {
  constructor(readonly text: string) {}
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

/** A JSON float whose value is integral (`2.0`, `1e3`): kept apart from integers so it comes back as a float. */
export class JsonFloat {
  constructor(readonly value: number) {}
}

/** A digit before `.0…` (no other digit after), an exponent, or 16+ digits: the only forms JSON.parse changes. */
const CHANGED_BY_JSON_PARSE = /\d(?:\.0*(?![0-9])|[eE]|\d{15})/;
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Parses one JSON text exactly; throws SyntaxError with a "position N" like JSON.parse. */
export function parseJsonExact(text: string): unknown {
  if (!CHANGED_BY_JSON_PARSE.test(text)) return JSON.parse(text);
  const parser = new ExactParser(text);
  const value = parser.value();
  parser.end();
  return value;
}

/** The exact value of one JSON number token. */
export function numberFromToken(token: string, isFloat: boolean): unknown {
  if (!isFloat) {
    if (token.length <= 16) {
      const value = Number(token);
      if (Number.isSafeInteger(value)) return value;
    }
    const big = BigInt(token);
    if (big >= -9007199254740991n && big <= 9007199254740991n) return Number(big);
    return big > INT64_MAX || big < INT64_MIN ? new JsonNumberText(token) : big;
  }
  const value = Number(token);
  if (!Number.isFinite(value)) return new JsonNumberText(token);
  return Number.isInteger(value) ? new JsonFloat(value) : value;
}

class ExactParser {
  private at = 0;
  constructor(private readonly text: string) {}

  private fail(): never {
    throw new SyntaxError(`Unexpected token in JSON at position ${this.at}`);
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.at++;
    }
  }

  end(): void {
    this.skipSpace();
    if (this.at !== this.text.length) this.fail();
  }

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return result;
      }
    }
    return this.fail();
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') this.fail();
      const key = this.string();
      this.skipSpace();
      if (this.text[this.at] !== ':') this.fail();
      this.at++;
      // defineProperty: a "__proto__" key is data, as with JSON.parse.
      Object.defineProperty(result, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === '}') return result;
      if (next !== ',') {
        this.at--;
        this.fail();
      }
    }
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === ']') return result;
      if (next !== ',') {
        this.at--;
        this.fail();
      }
    }
  }

  private string(): string {
    const start = this.at;
    let i = start + 1;
    const text = this.text;
    for (;;) {
      const quote = text.indexOf('"', i);
      if (quote === -1) {
        this.at = text.length;
        this.fail();
      }
      let backslashes = 0;
      for (let j = quote - 1; j > start && text.charCodeAt(j) === 0x5c; j--) backslashes++;
      if (backslashes % 2 === 0) {
        this.at = quote + 1;
        return JSON.parse(text.slice(start, quote + 1)) as string;
      }
      i = quote + 1;
    }
  }

  private number(): unknown {
    NUMBER_TOKEN.lastIndex = this.at;
    const match = NUMBER_TOKEN.exec(this.text);
    if (!match) return this.fail();
    this.at += match[0].length;
    return numberFromToken(match[0], match[1] !== undefined || match[2] !== undefined);
  }
}

/** A float as JSON that reads back as a float: `2.0`, never `2`. */
export function formatJsonFloat(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return Number.isInteger(value) && !/[eE.]/.test(text) ? `${text}.0` : text;
}

/** JSON text of a value from parseJsonExact, with its numbers as they were written. */
export function stringifyJsonExact(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string': return JSON.stringify(value);
    case 'number': return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint': return value.toString();
    case 'boolean': return value ? 'true' : 'false';
    default: break;
  }
  if (value instanceof JsonFloat) return formatJsonFloat(value.value);
  if (value instanceof JsonNumberText) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringifyJsonExact).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value as object)) {
    parts.push(`${JSON.stringify(key)}:${stringifyJsonExact((value as Record<string, unknown>)[key])}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A JSONL record for rules: plain JS values at the top level (what casters
 * take), bigints for integers beyond 2^53, nested values exact. JSON.parse
 * alone when the record has neither an unsafe integer nor a nested value, so
 * the common record pays for no second look at its text.
 */
export function parseJsonForRules(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  let exact = false;
  for (const key in record) {
    const v = record[key];
    if ((typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v)) || (typeof v === 'object' && v !== null)) {
      exact = true;
      break;
    }
  }
  if (!exact) return value;
  const precise = parseJsonExact(text) as Record<string, unknown>;
  for (const key of Object.keys(precise)) precise[key] = plainJsonValue(precise[key]);
  return precise;
}

/** What a rule's caster sees: plain JS numbers where nothing is lost, bigints for integers beyond them. */
export function plainJsonValue(value: unknown): unknown {
  if (value instanceof JsonFloat) return value.value;
  if (value instanceof JsonNumberText) return value.isInteger ? BigInt(value.text) : Number(value.text);
  return value;
}
