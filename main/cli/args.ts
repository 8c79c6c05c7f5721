import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SluiceError } from '../engine/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with usage errors as SluiceError('USAGE') (exit code 2). */
const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const;

export function parseCommandArgs<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs<{ args: string[]; options: T & typeof COMMON_OPTIONS; allowPositionals: true; strict: true }>({
      args: argv,
      options: { ...options, ...COMMON_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new SluiceError('USAGE', `${(error as Error).message}\n${usage}`);
  }
}

export function requireString(value: unknown, flag: string, usage: string): string {
  if (typeof value !== 'string' || value === '') throw new SluiceError('USAGE', `${flag} is required.\n${usage}`);
  return value;
}

export function positiveInteger(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new SluiceError('USAGE', `${flag} takes a whole number greater than 0, got "${String(value)}".`);
  }
  return number;
}

export function nonNegativeInteger(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new SluiceError('USAGE', `${flag} takes a whole number (0 or more), got "${String(value)}".`);
  }
  return Number(value);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new SluiceError('USAGE', `${flag} must be one of ${allowed.join(', ')}, got "${String(value)}".`);
  }
  return value as T;
}
