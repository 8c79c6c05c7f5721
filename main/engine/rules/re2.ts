import { createRequire } from 'node:module';

export type Re2 = typeof import('re2js').RE2JS;
export type Re2Pattern = import('re2js').RE2JS;
let loaded: Re2 | null = null;

/**
 * re2js, loaded on first use. Its code (~260 KB) would otherwise be compiled by the import thread and every
 * worker of every import (measured: 45–55 ms more start-up per worker), while the common rule files need it
 * only to check a pattern V8 already runs in linear time (simple-pattern.ts) or not at all.
 */
export function re2(): Re2 {
  loaded ??= (createRequire(import.meta.url)('re2js') as { RE2JS: Re2 }).RE2JS;
  return loaded;
}
