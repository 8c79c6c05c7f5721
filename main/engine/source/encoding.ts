import { iconv } from './iconv.js';
import type { SupportedEncoding } from '../types.js';
import { SluiceError } from '../errors.js';
import { legacyEncodingOf } from './encoding-sniff.js';

export interface Decoder {
  decode(bytes: Uint8Array): string;
}

export interface EncodingGuess {
  encoding: SupportedEncoding;
  bomBytes: number;
  reason: string;
}

const ENCODING_ALIASES: Record<string, SupportedEncoding> = {
  'utf8': 'utf-8',
  'utf-8': 'utf-8',
  'utf16le': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf16be': 'utf-16be',
  'utf-16be': 'utf-16be',
  'windows-1252': 'windows-1252',
  'cp1252': 'windows-1252',
  'latin1': 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso-8859-15': 'iso-8859-15',
  'latin9': 'iso-8859-15',
  'latin-9': 'iso-8859-15',
  'shift_jis': 'shift_jis',
  'shift-jis': 'shift_jis',
  'sjis': 'shift_jis',
  'cp932': 'shift_jis',
  'gb18030': 'gb18030',
  'gbk': 'gb18030',
  'gb2312': 'gb18030',
};

export function normalizeEncoding(name: string): SupportedEncoding {
  const encoding = ENCODING_ALIASES[name.trim().toLowerCase()];
  if (!encoding) {
    throw new SluiceError(
      'ENCODING_UNSUPPORTED',
      `Unsupported encoding "${name}". Use one of: utf-8, utf-16le, utf-16be, windows-1252, iso-8859-15, shift_jis, gb18030.`,
    );
  }
  return encoding;
}

function bomLength(bytes: Uint8Array, encoding: SupportedEncoding): number {
  if (encoding === 'utf-8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 3;
  if (encoding === 'utf-16le' && bytes[0] === 0xff && bytes[1] === 0xfe) return 2;
  if (encoding === 'utf-16be' && bytes[0] === 0xfe && bytes[1] === 0xff) return 2;
  return 0;
}

/** Drops a multi-byte UTF-8 sequence cut off by the end of the sample. */
function trimIncompleteUtf8Tail(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    if ((byte & 0xc0) === 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      if (back < needed) end -= back;
    }
    break;
  }
  return bytes.subarray(0, end);
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Guesses the encoding from the first bytes: a BOM wins; UTF-16 without BOM is
 * recognised by its zero bytes; otherwise UTF-8 when the sample decodes
 * cleanly, else windows-1252 (the usual encoding of spreadsheet exports that
 * are not UTF-8), stated as a fallback so the user can override it.
 */
export function guessEncoding(sample: Uint8Array, override?: string): EncodingGuess {
  if (override) {
    const encoding = normalizeEncoding(override);
    return { encoding, bomBytes: bomLength(sample, encoding), reason: 'set with --encoding' };
  }
  if (bomLength(sample, 'utf-8')) return { encoding: 'utf-8', bomBytes: 3, reason: 'UTF-8 byte order mark' };
  if (bomLength(sample, 'utf-16le')) return { encoding: 'utf-16le', bomBytes: 2, reason: 'UTF-16LE byte order mark' };
  if (bomLength(sample, 'utf-16be')) return { encoding: 'utf-16be', bomBytes: 2, reason: 'UTF-16BE byte order mark' };

  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs >= 4) {
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i < pairs; i++) {
      if (sample[2 * i] === 0) zeroEven++;
      if (sample[2 * i + 1] === 0) zeroOdd++;
    }
    if (zeroOdd > pairs * 0.4 && zeroEven < pairs * 0.05) {
      return { encoding: 'utf-16le', bomBytes: 0, reason: 'UTF-16LE pattern of zero bytes (no BOM)' };
    }
    if (zeroEven > pairs * 0.4 && zeroOdd < pairs * 0.05) {
      return { encoding: 'utf-16be', bomBytes: 0, reason: 'UTF-16BE pattern of zero bytes (no BOM)' };
    }
  }
  if (isValidUtf8(trimIncompleteUtf8Tail(sample))) {
    return { encoding: 'utf-8', bomBytes: 0, reason: 'sample is valid UTF-8' };
  }
  return legacyEncodingOf(sample);
}

export function unitBytesOf(encoding: SupportedEncoding): 1 | 2 {
  return encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
}

/** Characters of windows-1252's 0x80–0x9F (iconv-lite's table); the five bytes it leaves undefined keep their C1 code point, as WHATWG decodes them, so no byte is lost. */
let cp1252High: string[] | null = null;
function cp1252HighChars(): string[] {
  cp1252High ??= Array.from({ length: 32 }, (_, i) => {
    const char = iconv().decode(Buffer.from([0x80 + i]), 'windows-1252');
    return char === '\ufffd' ? String.fromCharCode(0x80 + i) : char;
  });
  return cp1252High;
}
const C1_RANGE = /[\x80-\x9f]/g;

/** UTF-8 and UTF-16 use the native TextDecoder; legacy encodings iconv-lite (Node's TextDecoder decodes windows-1252 as latin-1). */
export function createDecoder(encoding: SupportedEncoding, fatal = false): Decoder {
  if (encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be') return new TextDecoder(encoding, { fatal, ignoreBOM: true });
  if (encoding === 'windows-1252') {
    const high = cp1252HighChars();
    return { decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').replace(C1_RANGE, (c) => high[c.charCodeAt(0) - 0x80]!) };
  }
  return { decode: (bytes) => iconv().decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding) };
}

/** Bytes of text in a legacy encoding (for positions in multi-byte ones such as Shift_JIS). */
export function encodedLength(text: string, encoding: SupportedEncoding): number {
  if (encoding === 'windows-1252' || encoding === 'iso-8859-15') return text.length;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return text.length * 2;
  if (encoding === 'utf-8') return Buffer.byteLength(text, 'utf8');
  return iconv().encode(text, encoding).length;
}
