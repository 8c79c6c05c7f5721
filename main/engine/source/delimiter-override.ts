import { SluiceError } from '../errors.js';

/**
 * A --delimiter value, checked. In its own module so the CLI's main thread can
 * check its arguments without loading the sniffer (and papaparse with it).
 */
export function parseDelimiterOverride(value: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|', space: ' ' };
  const delimiter = named[value.toLowerCase()] ?? value;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new SluiceError('USAGE', `--delimiter must be one character (or tab/comma/semicolon/pipe), got "${value}".`);
  }
  return delimiter;
}
