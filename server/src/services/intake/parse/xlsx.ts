import ExcelJS from 'exceljs';
import { Unzip, UnzipInflate } from 'fflate';
import { checkShape } from './csv.ts';
import { IMPORT_LIMITS, ParseError } from './limits.ts';
import {
  type CellFlag,
  isBlankRow,
  lostPrecision,
  numberText,
  type ParsedFile,
  type ParsedSheet,
} from './sheet.ts';

/**
 * Decompresses every entry of the zip once, counting the bytes it really yields (the sizes
 * a zip declares can lie), and stops at `limit`: an .xlsx that would inflate past it is
 * refused before the workbook reader sees it.
 */
export function assertZipWithin(bytes: Uint8Array, limit = IMPORT_LIMITS.maxUnzippedBytes) {
  let total = 0;
  let over = false;
  let entries = 0;
  const unzip = new Unzip((file) => {
    entries++;
    file.ondata = (err, chunk) => {
      if (err || over) return;
      total += chunk.length;
      if (total > limit) {
        over = true;
        file.terminate();
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(bytes, true);
  } catch {
    throw new ParseError(
      'unreadable-file',
      '无法读取该 Excel 文件（不是有效的 .xlsx）',
      'cannot read this Excel file (not a valid .xlsx)',
    );
  }
  if (over) {
    const mb = Math.round(limit / 1024 / 1024);
    throw new ParseError(
      'zip-too-large',
      `该 Excel 文件解压后超过 ${mb} MB，无法导入`,
      `this Excel file unpacks to more than ${mb} MB and cannot be imported`,
    );
  }
  if (entries === 0) {
    throw new ParseError('unreadable-file', '无法读取该 Excel 文件', 'cannot read this Excel file');
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A date cell as people type it: the date, plus the time when it has one (exceljs reads UTC). */
function dateText(d: Date): string {
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  return h === 0 && m === 0 ? day : `${day} ${pad(h)}:${pad(m)}`;
}

type CellRead = { text: string; numeric: boolean; lost: boolean };

function readValue(v: ExcelJS.CellValue): CellRead {
  if (v === null || v === undefined) return { text: '', numeric: false, lost: false };
  if (typeof v === 'number') return { text: numberText(v), numeric: true, lost: lostPrecision(v) };
  if (typeof v === 'string') return { text: v, numeric: false, lost: false };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE', numeric: false, lost: false };
  if (v instanceof Date) return { text: dateText(v), numeric: false, lost: false };
  if ('richText' in v) {
    return { text: v.richText.map((p) => p.text).join(''), numeric: false, lost: false };
  }
  if ('error' in v) return { text: '', numeric: false, lost: false };
  if ('result' in v) {
    const r = v.result;
    if (r === undefined || (typeof r === 'object' && r !== null && 'error' in r)) {
      return { text: '', numeric: false, lost: false };
    }
    return readValue(r);
  }
  if ('text' in v) {
    const t = v.text;
    return typeof t === 'string' ? { text: t, numeric: false, lost: false } : readValue(t);
  }
  return { text: '', numeric: false, lost: false };
}

function readSheet(ws: ExcelJS.Worksheet): ParsedSheet {
  const rows: string[][] = [];
  const numeric = new Set<number>();
  const precisionLost: CellFlag[] = [];
  let nonBlank = 0;
  let width = 0;
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, colNumber) => {
      const read = readValue(cell.value);
      cells[colNumber - 1] = read.text;
      if (read.numeric) numeric.add(colNumber - 1);
      if (read.lost && precisionLost.length < 1000) {
        precisionLost.push({ row: rowNumber - 1, col: colNumber - 1, value: read.text });
      }
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= '';
    rows[rowNumber - 1] = cells;
    if (!isBlankRow(cells)) nonBlank++;
    if (cells.length > width) width = cells.length;
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  checkShape(nonBlank, width);
  return { name: ws.name, rows, numericColumns: [...numeric].sort((a, b) => a - b), precisionLost };
}

/** Reads every worksheet of an .xlsx, each cell as text. */
export async function parseXlsx(bytes: Uint8Array): Promise<ParsedFile> {
  assertZipWithin(bytes);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes.slice().buffer);
  } catch {
    throw new ParseError(
      'unreadable-file',
      '无法读取该 Excel 文件（可能已损坏或加密）',
      'cannot read this Excel file (it may be damaged or password-protected)',
    );
  }
  const sheets = wb.worksheets.filter((ws) => ws.state !== 'hidden').map(readSheet);
  if (sheets.length === 0 || sheets.every((s) => s.rows.every(isBlankRow))) {
    throw new ParseError('empty-file', '文件是空的', 'the file is empty');
  }
  return { kind: 'xlsx', encoding: null, sheets };
}
