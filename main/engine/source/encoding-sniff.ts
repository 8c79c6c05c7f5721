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

/**
 * Characters a Japanese (JIS X 0208 + Windows-31J) text is made of beyond ASCII: kana (full- and
 * half-width), kanji, CJK and full-width punctuation, circled digits, Greek, Cyrillic, box drawing and
 * the usual symbols. A Chinese sample decoded as Shift_JIS turns into PUA code points and U+FFFD instead.
 */
const JAPANESE = /[\u3000-\u30ff\u3200-\u33ff\u4e00-\u9fff\uf900-\ufaff\uff01-\uff9f\uffe0-\uffe5\u2010-\u203b\u2100-\u22ff\u2460-\u24ff\u2500-\u257f\u25a0-\u266f\u0391-\u03c9\u0401-\u0451\u00a7\u00a8\u00b0\u00b1\u00b4\u00b6\u00d7\u00f7]/u;
/** The same for GB18030: hanzi (with extension A and, as code points, extensions B–F), CJK and full-width punctuation, and the symbols GB2312 has (not €: GB18030 decoders read windows-1252's 0x80 as €). */
const CHINESE = /[\u3000-\u303f\u3105-\u312f\u3220-\u3229\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff5e\uffe0-\uffe5\u2010-\u203b\u2160-\u216b\u2460-\u249b\u2500-\u257f\u25a0-\u2642\u0391-\u03c9\u0401-\u0451\u00a4\u00a5\u00a7\u00a8\u00b0\u00b1\u00b7\u00d7\u00e0-\u00fc\u{20000}-\u{3134f}]/u;
/**
 * Kana proper: real Japanese text has hiragana or katakana. Half-width katakana alone count only when the
 * sample is nothing else and ｦ–ｿ (the vowels, k- and s- rows) are among them: windows-1252's upper-case
 * accented letters (À–Þ, 0xC0–0xDE) decode as half-width ﾀ–ﾞ too, but its 0xA6–0xBF are symbols.
 */
const KANA = /[\u3040-\u30ff]/;
const HALF_WIDTH_KATAKANA = /[\uff61-\uff9f]/u;
const HALF_WIDTH_A_TO_SO = /[\uff66-\uff7f]/u;

/** Share of the sample's non-ASCII characters (code points, so a surrogate pair counts once) that belong to the language. */
function plausibleShare(text: string, plausible: RegExp): { share: number; onlyHalfWidthKana: boolean } {
  let nonAscii = 0;
  let matched = 0;
  let halfWidth = 0;
  let aToSo = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) continue;
    nonAscii++;
    if (plausible.test(char)) matched++;
    if (HALF_WIDTH_KATAKANA.test(char)) halfWidth++;
    if (HALF_WIDTH_A_TO_SO.test(char)) aToSo++;
  }
  return { share: nonAscii === 0 ? 0 : matched / nonAscii, onlyHalfWidthKana: nonAscii > 0 && halfWidth === nonAscii && aToSo > 0 && aToSo >= 0.1 * halfWidth };
}

/**
 * Share of double-byte pairs whose second byte is below 0xA1. GB2312 text (most Chinese text in GB18030)
 * never has one; Shift_JIS kanji and kana have one about half the time. Evidence for Japanese text
 * written without kana (addresses, company names: 東京都渋谷区).
 */
function lowTrailShare(sample: Uint8Array): number {
  let pairs = 0;
  let low = 0;
  for (let i = 0; i + 1 < sample.length; ) {
    const lead = sample[i]!;
    const trail = sample[i + 1]!;
    if (lead < 0x81 || lead > 0xfe || trail < 0x30) {
      i++; // not a double-byte character in either encoding
    } else if (trail >= 0x30 && trail <= 0x39) {
      i += 4; // a GB18030 four-byte sequence
    } else {
      pairs++;
      if (trail < 0xa1) low++;
      i += 2;
    }
  }
  return pairs === 0 ? 0 : low / pairs;
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
    const japanese = plausibleShare(sjis, JAPANESE);
    const sjisShare = japanese.share;
    const lowTrails = lowTrailShare(sample);
    const gbShare = plausibleShare(gb, CHINESE).share;
    if (sjisShare >= 0.8 && (KANA.test(sjis) || japanese.onlyHalfWidthKana || lowTrails >= 0.25) && sjisShare >= gbShare - 0.05) {
      return { encoding: 'shift_jis', bomBytes: 0, reason: 'not UTF-8; its bytes read as Japanese in Shift_JIS (override with --encoding)' };
    }
    // Most Chinese text is GB2312, whose second bytes are all 0xA1 or above; windows-1252 (“Café”) rarely is.
    if (gbShare >= 0.8 && lowTrails < 0.5) {
      return { encoding: 'gb18030', bomBytes: 0, reason: 'not UTF-8; its bytes read as Chinese in GB18030 (override with --encoding)' };
    }
  }
  return {
    encoding: 'windows-1252',
    bomBytes: 0,
    reason: 'not UTF-8: decoded as windows-1252, the usual encoding of Western spreadsheet exports (override with --encoding)',
  };
}
