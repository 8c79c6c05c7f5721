/**
 * The synthetic customer table: what one row looks like in CSV and in JSONL.
 * Rows are drawn one after the other from a single PRNG stream, so the file
 * for N rows is a prefix of the file for M > N rows with the same seed.
 */
import { intBetween, mulberry32, pick, type Random } from './prng.js';

export const CUSTOMER_COLUMNS = [
  'id', 'name', 'email', 'country', 'signup_date', 'age', 'plan', 'monthly_spend', 'active', 'notes',
] as const;

/** About 1% of rows break exactly one rule of bench/customers.rules.json. */
const INVALID_ROW_PROBABILITY = 0.01;
const SIGNUP_EPOCH_MS = Date.UTC(2015, 0, 1);
const SIGNUP_SPAN_DAYS = 3652;
const MS_PER_DAY = 86_400_000;

const FIRST_NAMES = [
  'Anna', 'Ben', 'Chloé', 'David', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemal', 'Lena',
  'Mateo', 'Nora', 'Olga', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Victor', 'Wen', 'Yusuf',
] as const;
const LAST_NAMES = [
  'Andersen', "O'Brien", 'Nguyen', 'Müller', 'García', 'Kowalski', 'Smith', 'Rossi', 'Tanaka', 'Dubois',
  'Okafor', 'Silva', 'Novak', 'Jensen', 'Haddad', 'Kim', 'Fischer', 'Moreau', 'Ivanova', 'Patel',
] as const;
const EMAIL_DOMAINS = ['example.com', 'mail.test', 'corp.example.org', 'inbox.example.net'] as const;
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'SE', 'PL', 'JP', 'BR', 'IN', 'CA', 'AU', 'NG', 'KR'] as const;
const PLAIN_NOTES = [
  'Prefers email over phone', 'VIP since the beta', 'Referred by a partner agency', 'Churn risk after price change',
  'Asked about API rate limits', 'Annual billing requested', 'Needs SSO before upgrading',
] as const;
const NOTES_WITH_COMMA = [
  'Renewal due, send reminder', 'Moved from Berlin, now in Lyon', 'Pays late, but always pays',
] as const;
const NOTES_WITH_NEWLINE = [
  'Called twice.\nWants a callback on Monday.', 'Line one of the ticket\nLine two, with a comma',
] as const;
const NOTES_WITH_QUOTES = [
  'Asked for "priority" support', 'Says the export is "broken", again', '12" screen, ""odd"" request',
] as const;

type InvalidKind = 'age' | 'email' | 'plan' | 'spend' | 'date' | 'country';
const INVALID_KINDS: readonly InvalidKind[] = ['age', 'email', 'plan', 'spend', 'date', 'country'];

export interface CustomerRow {
  /** Text of each column, in CUSTOMER_COLUMNS order, as it appears in the CSV (unquoted). */
  values: string[];
  /** True when the row breaks a rule and a validating import must quarantine it. */
  invalid: boolean;
}

export class CustomerRowSource {
  private readonly random: Random;
  private nextId = 1;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  next(): CustomerRow {
    const random = this.random;
    const id = this.nextId++;
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    // "Last, First" forces CSV quoting, which real exports from CRMs do a lot.
    const name = random() < 0.1 ? `${last}, ${first}` : `${first} ${last}`;
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    const email = `${local}${id % 997}@${pick(random, EMAIL_DOMAINS)}`;
    const country = pick(random, COUNTRIES);
    const signupDate = new Date(SIGNUP_EPOCH_MS + intBetween(random, 0, SIGNUP_SPAN_DAYS) * MS_PER_DAY)
      .toISOString()
      .slice(0, 10);
    const age = String(intBetween(random, 18, 90));
    const planDraw = random();
    const plan = planDraw < 0.6 ? 'free' : planDraw < 0.9 ? 'pro' : 'team';
    const monthlySpend = plan === 'free' ? '0' : (intBetween(random, 500, 50_000) / 100).toFixed(2);
    const active = random() < 0.85 ? 'true' : 'false';
    const notes = this.notes();
    const values = [String(id), name, email, country, signupDate, age, plan, monthlySpend, active, notes];

    const invalid = random() < INVALID_ROW_PROBABILITY;
    if (invalid) this.breakOneRule(values, pick(random, INVALID_KINDS));
    return { values, invalid };
  }

  private notes(): string {
    const random = this.random;
    const draw = random();
    if (draw < 0.4) return '';
    if (draw < 0.75) return pick(random, PLAIN_NOTES);
    if (draw < 0.88) return pick(random, NOTES_WITH_COMMA);
    if (draw < 0.94) return pick(random, NOTES_WITH_NEWLINE);
    return pick(random, NOTES_WITH_QUOTES);
  }

  private breakOneRule(values: string[], kind: InvalidKind): void {
    const random = this.random;
    switch (kind) {
      case 'age':
        values[5] = pick(random, ['abc', '-3', '212', '4O']);
        break;
      case 'email':
        values[2] = (values[2] ?? '').replace('@', pick(random, ['.', ' at ', '@@']));
        break;
      case 'plan':
        values[6] = pick(random, ['enterprise', 'Pro', 'trial']);
        break;
      case 'spend':
        values[7] = pick(random, ['-12.50', '-0.01', 'n/a']);
        break;
      case 'date':
        values[4] = pick(random, ['2023-13-07', '31/12/2023', 'yesterday', '2021-02-30']);
        break;
      case 'country':
        values[3] = pick(random, ['us', 'DEU', 'Fr']);
        break;
    }
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeaderLine(): string {
  return `${CUSTOMER_COLUMNS.join(',')}\n`;
}

export function toCsvLine(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

function numberOrText(text: string): number | string {
  return NUMERIC.test(text) ? Number(text) : text;
}

/**
 * The same row as a JSON object with JSON types where the CSV text is a valid
 * value of that type, and the CSV text otherwise (so an age of "abc" stays a
 * string and is still caught). An empty CSV field, a missing value under
 * Table Schema's default missingValues, becomes null.
 */
export function toJsonLine(values: readonly string[]): string {
  const [id, name, email, country, signupDate, age, plan, monthlySpend, active, notes] = values as string[];
  const row = {
    id: Number(id),
    name,
    email,
    country,
    signup_date: signupDate,
    age: numberOrText(age ?? ''),
    plan,
    monthly_spend: numberOrText(monthlySpend ?? ''),
    active: active === 'true' ? true : active === 'false' ? false : active,
    notes: notes === '' ? null : notes,
  };
  return `${JSON.stringify(row)}\n`;
}
