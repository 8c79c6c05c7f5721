/**
 * A narrow table like the public on-time flight records: five short columns, about 27 bytes a row. Per-row costs
 * (record numbering, batching, the provenance column, one statement row per record) weigh more here than in the
 * 10-column customer file, where per-value costs lead. Same PRNG discipline as customer-rows.ts.
 */
import { intBetween, mulberry32, pick, type Random } from './prng.js';

export const FLIGHT_COLUMNS = ['fl_date', 'carrier', 'flight', 'origin', 'dep_delay'] as const;

/** About 0.5% of rows break exactly one rule of bench/flights.rules.json. */
const INVALID_ROW_PROBABILITY = 0.005;
/** Share of flights without a departure delay (cancelled): an empty field, a missing value. */
const NO_DELAY_PROBABILITY = 0.02;
const CARRIERS = ['AA', 'DL', 'UA', 'WN', 'B6', 'AS', 'NK', 'F9', 'G4', 'HA'] as const;
const AIRPORTS = ['ATL', 'DFW', 'DEN', 'ORD', 'LAX', 'JFK', 'LAS', 'MCO', 'MIA', 'CLT', 'SEA', 'PHX', 'SFO', 'BOS'] as const;

type InvalidKind = 'date' | 'carrier' | 'flight' | 'origin' | 'delay';
const INVALID_KINDS: readonly InvalidKind[] = ['date', 'carrier', 'flight', 'origin', 'delay'];

export interface FlightRow {
  values: string[];
  invalid: boolean;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

export class FlightRowSource {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  next(): FlightRow {
    const random = this.random;
    const values = [
      `2024-${twoDigits(intBetween(random, 1, 12))}-${twoDigits(intBetween(random, 1, 28))}`,
      pick(random, CARRIERS),
      String(intBetween(random, 1, 9999)),
      pick(random, AIRPORTS),
      random() < NO_DELAY_PROBABILITY ? '' : String(intBetween(random, -25, 320)),
    ];
    const invalid = random() < INVALID_ROW_PROBABILITY;
    if (invalid) breakOneRule(values, pick(random, INVALID_KINDS));
    return { values, invalid };
  }
}

function breakOneRule(values: string[], kind: InvalidKind): void {
  switch (kind) {
    case 'date':
      values[0] = '2024-02-30';
      break;
    case 'carrier':
      values[1] = (values[1] ?? 'AA').toLowerCase();
      break;
    case 'flight':
      values[2] = '0';
      break;
    case 'origin':
      values[3] = 'N/A';
      break;
    case 'delay':
      values[4] = 'late';
      break;
  }
}

/** No field of this table needs quoting. */
export function flightCsvHeaderLine(): string {
  return `${FLIGHT_COLUMNS.join(',')}\n`;
}

export function flightCsvLine(values: readonly string[]): string {
  return `${values.join(',')}\n`;
}
