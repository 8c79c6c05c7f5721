/** Files written in each supported encoding decode to the characters they were written with, sniffed or named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let counter = 0;

function importBytes(name: string, bytes: Buffer, extra: string[] = []) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const db = path.join(dir, `store-${++counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--json', '--workers', '1', ...extra]);
  assert.equal(run.status, 0, run.stderr);
  const summary = lastJson(run);
  assert.equal(summary.rowsQuarantined, 0);
  const table = String(summary.table);
  const dialect = queryAll(db, 'SELECT layout FROM _sluice_imports').map((row) => JSON.parse(String(row.layout)) as { dialect: { encoding: string } })[0]!;
  return { db, rows: queryAll(db, `SELECT * FROM "${table}" ORDER BY rowid`), encoding: dialect.dialect.encoding };
}

/** Every printable character windows-1252 has (0x20–0x7E, 0x80–0xFF but its five undefined bytes), one per row. */
const CP1252_PRINTABLE = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i),
  ...Array.from({ length: 0x100 - 0x80 }, (_, i) => 0x80 + i).filter((b) => ![0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b)),
];

test('windows-1252: every printable character, sniffed without --encoding', () => {
  const chars = CP1252_PRINTABLE.map((byte) => iconv.decode(Buffer.from([byte]), 'windows-1252'));
  assert.ok(chars.includes('€') && chars.includes('\u201c') && chars.includes('\u201d') && chars.includes('Ÿ'));
  const text = `ch,byte\n${chars.map((ch, i) => `"${ch === '"' ? '""' : ch}",${CP1252_PRINTABLE[i]}`).join('\n')}\n`;
  const { rows, encoding } = importBytes('cp1252-all.csv', iconv.encode(text, 'windows-1252'));
  assert.equal(encoding, 'windows-1252');
  assert.deepEqual(rows.map((row) => row.ch), chars);
});

test('ISO-8859-15 with --encoding: €, Š, œ and Ÿ where latin-1 has other characters', () => {
  const { rows } = importBytes('latin9.csv', iconv.encode('name,price\nŠkoda,€5\nœuvre,Ÿ\n', 'iso-8859-15'), ['--encoding', 'iso-8859-15']);
  assert.deepEqual(rows, [{ name: 'Škoda', price: '€5' }, { name: 'œuvre', price: 'Ÿ' }]);
});

test('Shift_JIS is sniffed and decoded', () => {
  const text = '名前,都市\n山田太郎,東京\nさくら,大阪\n鈴木はなこ,名古屋\nデータ,ソフト\n';
  const { rows, encoding } = importBytes('sjis.csv', iconv.encode(text, 'shift_jis'));
  assert.equal(encoding, 'shift_jis');
  assert.deepEqual(rows.map((row) => [row['名前'], row['都市']]), [['山田太郎', '東京'], ['さくら', '大阪'], ['鈴木はなこ', '名古屋'], ['データ', 'ソフト']]);
});

test('GB18030 is sniffed and decoded', () => {
  const text = '姓名,城市\n张伟,北京\n李娜,上海\n王芳,广州\n刘洋,深圳\n';
  const { rows, encoding } = importBytes('gb.csv', iconv.encode(text, 'gb18030'));
  assert.equal(encoding, 'gb18030');
  assert.deepEqual(rows.map((row) => [row['姓名'], row['城市']]), [['张伟', '北京'], ['李娜', '上海'], ['王芳', '广州'], ['刘洋', '深圳']]);
});

test('UTF-16LE and UTF-16BE, with and without BOM', () => {
  const text = 'name,city\nZoë,Zürich\n😀,東京\n';
  for (const [encoding, bom] of [['utf-16le', [0xff, 0xfe]], ['utf-16be', [0xfe, 0xff]]] as const) {
    for (const withBom of [true, false]) {
      const bytes = Buffer.concat([Buffer.from(withBom ? bom : []), iconv.encode(text, encoding)]);
      const result = importBytes(`${encoding}-${withBom}.csv`, bytes);
      assert.equal(result.encoding, encoding);
      assert.deepEqual(result.rows, [{ name: 'Zoë', city: 'Zürich' }, { name: '😀', city: '東京' }]);
    }
  }
});

test('the encoding is sniffed from a sample spread across the file, not only its first bytes', () => {
  const ascii = Array.from({ length: 6000 }, (_, i) => `${i},plain ascii row number ${i}`).join('\n');
  const accented = Array.from({ length: 3000 }, (_, i) => `${6000 + i},café crème ${i}`).join('\n');
  const bytes = iconv.encode(`id,text\n${ascii}\n${accented}\n`, 'windows-1252');
  assert.ok(bytes.indexOf(0xe9) > 128 * 1024, 'the first accent is far beyond the first sample');
  const { rows, encoding } = importBytes('late-accents.csv', bytes);
  assert.equal(encoding, 'windows-1252');
  assert.equal(rows.at(-1)!.text, 'café crème 2999');
});

test('accents only in the last lines (a footer, the latest records) still make a windows-1252 file windows-1252', () => {
  const ascii = Array.from({ length: 12000 }, (_, i) => `${i},plain ascii row number ${i}`).join('\n');
  const bytes = iconv.encode(`id,text\n${ascii}\n12000,café crème “total” €\n`, 'windows-1252');
  const { rows, encoding } = importBytes('late-footer.csv', bytes);
  assert.equal(encoding, 'windows-1252');
  assert.equal(rows.at(-1)!.text, 'café crème “total” €');
});
