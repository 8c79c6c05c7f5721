/**
 * The encoding sniffer on the small legacy files people actually send: a few Japanese or Chinese rows,
 * with the characters those encodings are known for (half-width katakana, circled digits, €, CJK
 * extension characters), where a wrong guess would silently turn every name into other characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { guessEncoding } from '../../../main/engine/source/encoding.js';

function sniff(text: string, encoding: string): string {
  return guessEncoding(iconv.encode(text, encoding)).encoding;
}

test('Shift_JIS with half-width katakana, circled digits and a wave dash is Shift_JIS, not GB18030', () => {
  assert.equal(sniff('id,name\n1,日本語テキスト\n2,ｶﾀｶﾅ\n3,表示\n4,ソース\n5,①②\n6,～\n', 'shift_jis'), 'shift_jis');
});

test('Shift_JIS holding only half-width katakana names (bank-style exports) is Shift_JIS', () => {
  assert.equal(sniff('id,kana\n1,ﾔﾏﾀﾞ ﾀﾛｳ\n2,ｽｽﾞｷ ﾊﾅｺ\n3,ｻﾄｳ ｲﾁﾛｳ\n', 'shift_jis'), 'shift_jis');
});

test('a few rows of GB18030 with €, traditional characters and a CJK extension B character are GB18030', () => {
  assert.equal(sniff('id,name\n1,中文简体\n2,繁體中文\n3,€\n4,𠀀\n', 'gb18030'), 'gb18030');
});

test('GB18030 with Chinese punctuation and full-width digits is GB18030', () => {
  assert.equal(sniff('编号,说明\n1,“价格”：１２３元\n2,《报告》—第二版…\n3,北京·上海\n', 'gb18030'), 'gb18030');
});

test('plain Japanese and Chinese samples keep their encodings; Western text stays windows-1252', () => {
  assert.equal(sniff('名前,都市\n山田太郎,東京\nさくら,大阪\n', 'shift_jis'), 'shift_jis');
  assert.equal(sniff('姓名,城市\n张伟,北京\n李娜,上海\n', 'gb18030'), 'gb18030');
  assert.equal(sniff('a,b\n人民币¥100,￥200\n', 'gb18030'), 'gb18030');
  assert.equal(sniff('a,b\n台灣,繁體,臺北\n', 'gb18030'), 'gb18030');
  assert.equal(sniff('name,city\nZoë,Zürich\nJosé,São Paulo\n“quoted” – €5\n', 'windows-1252'), 'windows-1252');
  assert.equal(sniff('name\nÀÉÎÕÜ ÆØÅ\n', 'windows-1252'), 'windows-1252');
  assert.equal(sniff('name,price\n“Café”,€5\n', 'windows-1252'), 'windows-1252');
  for (const west of ['GRÜNE ÖKO-ÄPFEL', 'ÉCOLE ÉLÉMENTAIRE,ÎLE-DE-FRANCE', 'ÅSE ØRSTED,ÆRØ', 'ÑANDÚ,AÑO', '«guillemets» ±5°,½ ¼']) {
    assert.equal(sniff(`a,b\n${west}\n${west.toLowerCase()}\n`, 'windows-1252'), 'windows-1252', west);
  }
});

test('Japanese without kana (addresses, company names, NEC symbols) is Shift_JIS', () => {
  assert.equal(sniff('a,b,c\n東京都渋谷区,ﾃｽﾄ,１２３\n', 'shift_jis'), 'shift_jis');
  assert.equal(sniff('a,b\nⅠ,Ⅱ,№,㈱,髙,﨑\n', 'shift_jis'), 'shift_jis');
  assert.equal(sniff('a,b\nﾆﾎﾝ ﾀﾛｳ\n', 'shift_jis'), 'shift_jis');
});
