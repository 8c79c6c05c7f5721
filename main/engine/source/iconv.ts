import { createRequire } from 'node:module';

type Iconv = typeof import('iconv-lite');
let loaded: Iconv | null = null;

/**
 * iconv-lite, loaded on first use. Its code and tables (~340 KB) would
 * otherwise be parsed by the import thread and every worker of every import,
 * measured as a slower start for the common UTF-8 file that never needs them.
 */
export function iconv(): Iconv {
  loaded ??= createRequire(import.meta.url)('iconv-lite') as Iconv;
  return loaded;
}
