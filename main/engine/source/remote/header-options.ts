import { SluiceError } from '../../errors.js';

/**
 * Parses repeatable `--header 'Name: value'` options. In its own module so the
 * CLI's main thread checks them without loading the HTTP client (and cockatiel).
 */
export function parseHeaderOptions(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = colon > 0 ? value.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      // The value is never echoed: it may be a credential.
      throw new SluiceError('USAGE', `--header takes 'Name: value'; got one without a valid name.`);
    }
    headers[name] = value.slice(colon + 1).trim();
  }
  return headers;
}
