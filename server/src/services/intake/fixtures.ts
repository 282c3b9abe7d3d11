/**
 * Fixture makers for intake tests, e2e and the bench: GBK bytes (no encoder ships with
 * TextEncoder, so the table is read off TextDecoder('gb18030') once) and .xlsx files
 * written with the same library that reads them.
 */
import ExcelJS from 'exceljs';

let gbkTable: Map<string, [number, number]> | null = null;

/** Encodes text as GBK (two-byte GB18030); ASCII stays one byte. Throws on a char outside GBK. */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([lead, trail]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch))
          gbkTable.set(ch, [lead, trail]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const pair = gbkTable.get(ch);
    if (!pair) throw new Error(`not in GBK: ${ch}`);
    out.push(pair[0], pair[1]);
  }
  return new Uint8Array(out);
}

/** CSV text from rows, quoting cells with commas, quotes or line breaks; CRLF line ends. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export type SheetSpec = { name: string; rows: ExcelJS.CellValue[][] };

/** An .xlsx with the given sheets; numbers stay number cells, Dates become date cells. */
export async function makeXlsx(sheets: readonly SheetSpec[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const row of s.rows) ws.addRow(row);
    ws.eachRow((row) => {
      row.eachCell((c) => {
        if (c.value instanceof Date) c.numFmt = 'yyyy-mm-dd';
      });
    });
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

/** A trade-show sheet as Chinese Excel users fill it: +86 with dashes, full-width digits,
 * quoted commas and quotes, a blank row, a landline, a short mobile, an in-file repeat, spaces. */
export const TRADE_SHOW_HEADER = ['客户名称', '联系人', '手机号', '邮箱', '来源', '到访日期'];
export const TRADE_SHOW_ROWS = [
  ['杭州云帆科技有限公司', '张伟', '+86 138-0013-8000', 'ZW@yunfan.cn', '展会', '2026/3/5'],
  ['  上海"星辰"贸易, 有限公司 ', ' 李娜 ', '１３９００１３９０００', '', '展会', '2026年3月5日'],
  ['', '', '', '', '', ''],
  ['北京某某', '王芳', '010-8888 6666', '', '官网', '2026-03-05'],
  ['深圳短号', '赵六', '1380013', '', '展会', '46086'],
];
