/**
 * Telling encodings apart when a sample is not clean UTF-8:
 *   - mostly valid UTF-8 (valid multi-byte sequences outnumber invalid ones
 *     two to one) stays UTF-8: its few bad records are quarantined, the rest
 *     (every correct "Zoë") decodes as written;
 *   - high bytes that stand alone between ASCII (é in "café") are a single-byte
 *     Western encoding, windows-1252;
 *   - high bytes in runs are CJK: Shift_JIS when decoding it gives kana,
 *     else GB18030 when that decodes cleanly.
 * Anything else falls back to windows-1252, said so, to be overridden with --encoding.
 */
import { iconv } from './iconv.js';
import type { SupportedEncoding } from '../types.js';

export interface LegacyGuess {
  encoding: SupportedEncoding;
  bomBytes: 0;
  reason: string;
}

/** Counts valid multi-byte UTF-8 sequences and invalid ones (an invalid sequence counts once per bad lead byte). */
export function utf8Stats(bytes: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    let ok = length > 0 && i + length <= bytes.length;
    if (ok) {
      const second = bytes[i + 1]!;
      const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
      const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
      ok = second >= low && second <= high;
      for (let k = 2; ok && k < length; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    }
    if (ok) {
      valid++;
      i += length;
    } else {
      // A sequence cut off by the end of a sample window is not evidence either way.
      if (!(length > 0 && i + length > bytes.length)) invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

const JAPANESE_OR_CJK = /[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]/g;
const CHINESE = /[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]/g;
const KANA = /[\u3040-\u30ff]/;

function plausibleShare(text: string, plausible: RegExp): number {
  let nonAscii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) nonAscii++;
  if (nonAscii === 0) return 0;
  return (text.match(plausible)?.length ?? 0) / nonAscii;
}

export function legacyEncodingOf(sample: Uint8Array): LegacyGuess {
  const { valid, invalid } = utf8Stats(sample);
  if (valid > 0 && valid >= 2 * invalid) {
    return { encoding: 'utf-8', bomBytes: 0, reason: `UTF-8 with ${invalid} invalid byte sequence(s) in the sample; records holding them are quarantined` };
  }
  let high = 0;
  let isolated = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i]! < 0x80) continue;
    high++;
    if ((i === 0 || sample[i - 1]! < 0x80) && (i + 1 >= sample.length || sample[i + 1]! < 0x80)) isolated++;
  }
  if (high > 0 && isolated / high <= 0.5) {
    const buffer = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength);
    const sjis = iconv().decode(buffer, 'shift_jis');
    const gb = iconv().decode(buffer, 'gb18030');
    const sjisShare = plausibleShare(sjis, JAPANESE_OR_CJK);
    const gbShare = plausibleShare(gb, CHINESE);
    if (sjisShare >= 0.8 && KANA.test(sjis) && sjisShare >= gbShare - 0.05) {
      return { encoding: 'shift_jis', bomBytes: 0, reason: 'not UTF-8; its bytes read as Japanese in Shift_JIS (override with --encoding)' };
    }
    if (gbShare >= 0.8) {
      return { encoding: 'gb18030', bomBytes: 0, reason: 'not UTF-8; its bytes read as Chinese in GB18030 (override with --encoding)' };
    }
  }
  return {
    encoding: 'windows-1252',
    bomBytes: 0,
    reason: 'not UTF-8: decoded as windows-1252, the usual encoding of Western spreadsheet exports (override with --encoding)',
  };
}
