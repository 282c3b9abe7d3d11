import type { FieldDef } from '@closeloop/engine';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeGbk, makeXlsx, TRADE_SHOW_HEADER, TRADE_SHOW_ROWS, toCsv } from '../fixtures.ts';
import { guessHeaderRow, suggestMapping } from '../mapping.ts';
import { coerceCell, isMainlandMobile, normalizePhoneText, parseTypedDate } from '../values.ts';
import { decodeText } from './decode.ts';
import { ParseError } from './limits.ts';
import { parseFile } from './parse-file.ts';
import { parseInWorker } from './parse-in-worker.ts';
import { assertZipWithin } from './xlsx.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const FIELDS: FieldDef[] = [
  { key: 'company', type: 'text', label: t('公司', 'Company') },
  { key: 'contact', type: 'text', label: t('联系人', 'Contact') },
  { key: 'phone', type: 'phone', label: t('电话', 'Phone') },
  { key: 'email', type: 'email', label: t('邮箱', 'Email') },
  { key: 'visitDate', type: 'date', label: t('到访日期', 'Visit date') },
];

const TRADE_SHOW = [
  TRADE_SHOW_HEADER,
  ...TRADE_SHOW_ROWS,
  ['杭州云帆科技有限公司', '张伟', '13800138000', '', '展会', '2026/3/5'],
];

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM and falls back to GB18030', () => {
    const utf8 = new TextEncoder().encode('客户名称,手机\r\n');
    expect(decodeText(utf8)).toEqual({ text: '客户名称,手机\r\n', encoding: 'utf-8' });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
    expect(decodeText(bom)).toEqual({ text: '客户名称,手机\r\n', encoding: 'utf-8-bom' });
    const gbk = encodeGbk('客户名称,手机\r\n');
    expect(gbk.length).toBeLessThan(utf8.length);
    expect(decodeText(gbk)).toEqual({ text: '客户名称,手机\r\n', encoding: 'gb18030' });
  });
});

describe('parseFile (CSV)', () => {
  for (const [label, encode, encoding] of [
    ['GBK', (s: string) => encodeGbk(s), 'gb18030'],
    ['UTF-8', (s: string) => new TextEncoder().encode(s), 'utf-8'],
  ] as const) {
    it(`keeps every ${label} cell as text: CRLF, quoted commas and quotes, blank rows`, async () => {
      const file = await parseFile(encode(toCsv(TRADE_SHOW)), '展会.csv');
      expect(file.kind).toBe('csv');
      expect(file.encoding).toBe(encoding);
      const sheet = file.sheets[0];
      expect(sheet?.name).toBe('展会');
      expect(sheet?.rows).toHaveLength(TRADE_SHOW.length);
      expect(sheet?.rows[2]?.[0]).toBe('  上海"星辰"贸易, 有限公司 ');
      expect(sheet?.rows[2]?.[2]).toBe('１３９００１３９０００');
      expect(sheet?.rows[3]).toEqual(['', '', '', '', '', '']);
      expect(sheet?.rows[5]?.[5]).toBe('46086');
    });
  }

  it('flags a long number Excel wrote in scientific notation', async () => {
    const csv = toCsv([
      ['姓名', '身份证号'],
      ['张伟', '1.10101E+17'],
    ]);
    const file = await parseFile(new TextEncoder().encode(csv), 'ids.csv');
    expect(file.sheets[0]?.precisionLost).toEqual([{ row: 1, col: 1, value: '1.10101E+17' }]);
  });

  it('refuses more than 100,000 data rows with a clear error', async () => {
    const big = `phone\n${'13800138000\n'.repeat(100_001)}`;
    const err = await parseFile(new TextEncoder().encode(big), 'big.csv').catch((e) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.code).toBe('too-many-rows');
    expect(err.zh).toContain('100000');
  });

  it('refuses a file over 50 MB and an old .xls', async () => {
    const huge = new Uint8Array(50 * 1024 * 1024 + 1).fill(0x41);
    await expect(parseFile(huge, 'huge.csv')).rejects.toMatchObject({ code: 'file-too-large' });
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    await expect(parseFile(xls, 'old.xls')).rejects.toMatchObject({ code: 'unsupported-file' });
  });
});

describe('parseFile (xlsx)', () => {
  it('reads several sheets; number phone cells as text, lost ID digits flagged, dates as dates', async () => {
    const bytes = await makeXlsx([
      { name: '说明', rows: [['本表为展会线索'], []] },
      {
        name: '线索',
        rows: [
          ['公司名称', '姓名', '电话', '身份证号', '日期'],
          [
            '云帆科技',
            '张伟',
            13800138000,
            Number('110101199001011234'),
            new Date(Date.UTC(2026, 2, 5)),
          ],
          ['星辰贸易', '李娜', '13900139000', '110101199001011234', 46086],
        ],
      },
    ]);
    const file = await parseFile(bytes, 'leads.xlsx');
    expect(file.kind).toBe('xlsx');
    expect(file.sheets.map((s) => s.name)).toEqual(['说明', '线索']);
    const s = file.sheets[1];
    expect(s?.rows[1]?.slice(0, 3)).toEqual(['云帆科技', '张伟', '13800138000']);
    expect(s?.rows[1]?.[4]).toBe('2026-03-05');
    expect(s?.rows[2]?.[3]).toBe('110101199001011234');
    expect(s?.numericColumns).toEqual([2, 3, 4]);
    expect(s?.precisionLost).toHaveLength(1);
    expect(s?.precisionLost[0]).toMatchObject({ row: 1, col: 3 });
    expect(s?.precisionLost[0]?.value).not.toBe('110101199001011234');
  });

  it('stops a zip that inflates past the limit before reading it', () => {
    const bomb = zipSync({ 'xl/a.xml': new Uint8Array(5_000_000) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => assertZipWithin(bomb, 1_000_000)).toThrow(ParseError);
    expect(() => assertZipWithin(bomb, 10_000_000)).not.toThrow();
  });

  it('parses in a worker thread with the same result, and reports its errors', async () => {
    const csv = encodeGbk(toCsv(TRADE_SHOW));
    const inWorker = await parseInWorker(csv, '展会.csv');
    expect(inWorker).toEqual(await parseFile(csv, '展会.csv'));
    await expect(parseInWorker(new Uint8Array(0), 'x.csv')).rejects.toMatchObject({
      code: 'empty-file',
    });
  });
});

describe('values', () => {
  it('normalises phones as people type them', () => {
    expect(normalizePhoneText('+86 138-0013-8000')).toBe('13800138000');
    expect(normalizePhoneText('１３９００１３９０００')).toBe('13900139000');
    expect(normalizePhoneText('(010) 8888-6666 转 123')).toBe('01088886666#123');
    expect(normalizePhoneText('8613800138000')).toBe('13800138000');
    expect(isMainlandMobile('0086 139 0013 9000')).toBe(true);
    expect(isMainlandMobile('1380013')).toBe(false);
    expect(isMainlandMobile('010-88886666')).toBe(false);
  });

  it.each([
    ['2026/3/5', '2026-03-05', null],
    ['2026年3月5日', '2026-03-05', null],
    ['2026-03-05', '2026-03-05', null],
    ['2026.3.5 14:30', '2026-03-05', '14:30:00'],
    ['46086', '2026-03-05', null],
    ['46086.5', '2026-03-05', '12:00:00'],
  ])('reads the date %s', (raw, date, time) => {
    expect(parseTypedDate(raw)).toEqual({ date, time });
  });

  it('rejects what is not a date', () => {
    for (const bad of ['2026/2/30', '3/5', 'soon', '12', '2026-13-01']) {
      expect(parseTypedDate(bad)).toBeNull();
    }
  });

  it('coerces cells by field type with reasons in both languages', () => {
    const date = FIELDS[4] as FieldDef;
    expect(coerceCell(date, '2026年3月5日')).toEqual({ ok: true, value: '2026-03-05' });
    const bad = coerceCell(date, 'next week');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message['zh-CN']).toContain('到访日期');
    const dt: FieldDef = { key: 'at', type: 'datetime', label: t('时间', 'At') };
    expect(coerceCell(dt, '2026/3/5 9:05')).toEqual({
      ok: true,
      value: '2026-03-05T09:05:00+08:00',
    });
    const money: FieldDef = { key: 'b', type: 'money', label: t('预算', 'Budget') };
    expect(coerceCell(money, '¥12,000')).toEqual({ ok: true, value: 12000 });
    expect(coerceCell(FIELDS[0] as FieldDef, '  云帆  ')).toEqual({ ok: true, value: '云帆' });
  });
});

describe('suggestMapping', () => {
  it('maps Chinese and English headers onto the SOP fields and special targets', () => {
    expect(suggestMapping(TRADE_SHOW[0] as string[], FIELDS)).toEqual({
      '0': 'company',
      '1': 'contact',
      '2': 'phone',
      '3': 'email',
      '4': '$source',
      '5': 'visitDate',
    });
    expect(
      suggestMapping(['Company Name', 'Mobile', 'E-mail', 'Lead Source', 'Owner', 'x'], FIELDS),
    ).toEqual({ '0': 'company', '1': 'phone', '2': 'email', '3': '$source', '4': '$owner' });
    // one field is suggested once: the second phone-like column stays unmapped
    expect(suggestMapping(['手机', '联系电话'], FIELDS)).toEqual({ '0': 'phone' });
  });

  it('finds the header row below a title row', () => {
    const rows = [
      ['2026 春季展会线索'],
      [],
      ['序号', '公司名称', '手机号'],
      ['1', '云帆', '13800138000'],
    ];
    expect(guessHeaderRow(rows, FIELDS)).toBe(2);
  });
});
