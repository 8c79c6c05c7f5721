import { readFile, stat } from 'node:fs/promises';
import { SluiceError } from '../errors.js';
import type { RuleFile } from './model.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { parseRuleFile } from './parse-rule-file.js';

/** Rule files are small; a bigger file is almost certainly a data file passed by mistake. */
const MAX_RULE_FILE_BYTES = 5 * 1024 * 1024;

export async function loadRuleFile(path: string): Promise<RuleFile> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new SluiceError('NOT_A_FILE', `Rule file ${path} is not a file.`);
    if (info.size > MAX_RULE_FILE_BYTES) {
      throw new SluiceError('RULES_INVALID', `${path}: rule file is ${info.size} bytes; rule files are limited to ${MAX_RULE_FILE_BYTES} bytes (is this a data file?)`);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SluiceError('FILE_NOT_FOUND', `Rule file not found: ${path}`, { cause: error });
    throw new SluiceError('FILE_UNREADABLE', `Cannot read rule file ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SluiceError('RULES_INVALID', `${path}: ${describeJsonError(text, error as Error)}`, { cause: error });
  }
  return parseRuleFile(json, path);
}

/** Names the line and column where the JSON breaks; V8's own message is kept as the reason. */
export function describeJsonError(text: string, error: Error): string {
  const reason = error.message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/,\s*(?:\.\.\.)?".*" is not valid JSON$/s, '');
  const offset = jsonErrorOffset(text);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column}: ${reason}`;
}
