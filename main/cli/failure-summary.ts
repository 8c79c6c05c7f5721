import { isSluiceError, serializeError } from '../engine/errors.js';
import { EXIT } from './exit-codes.js';

/** The `--json` summary of a command that failed before it had one of its own (a usage error, a missing file, a refused import). */
export function failureSummary(command: string, error: unknown): { command: string; status: 'not-started'; exitCode: number; error: { code: string; message: string } } {
  const serialized = serializeError(error);
  const exitCode = isSluiceError(error) && error.code === 'USAGE' ? EXIT.USAGE : isSluiceError(error) && error.code === 'CANCELLED' ? EXIT.CANCELLED : EXIT.ERROR;
  // Usage messages carry the usage text after the first line; the summary keeps the sentence that says what was wrong.
  return { command, status: 'not-started', exitCode, error: { code: serialized.code, message: serialized.message.split('\n')[0]! } };
}

const SUMMARY_PRINTED = Symbol('sluice.summaryPrinted');

/** A command that already printed its own --json summary for this error marks it, so main does not print a second one. */
export function markSummaryPrinted(error: unknown): void {
  if (typeof error === 'object' && error !== null) (error as Record<symbol, boolean>)[SUMMARY_PRINTED] = true;
}

export function summaryPrinted(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, boolean>)[SUMMARY_PRINTED] === true;
}
