import { parseCsv } from './csv.ts';
import { IMPORT_LIMITS, ParseError } from './limits.ts';
import type { ParsedFile } from './sheet.ts';
import { parseXlsx } from './xlsx.ts';

/** An .xlsx is a zip: it starts with "PK\x03\x04". */
const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * Parses an uploaded spreadsheet (.xlsx by content, .csv/.tsv/.txt by name) into sheets of
 * text cells. Pure: bytes in, data out; throws `ParseError` for a file it refuses.
 *
 * @example
 * const file = await parseFile(bytes, '展会线索.csv'); // { kind: 'csv', encoding: 'gb18030', sheets }
 */
export async function parseFile(bytes: Uint8Array, fileName: string): Promise<ParsedFile> {
  if (bytes.byteLength > IMPORT_LIMITS.maxFileBytes) {
    const mb = IMPORT_LIMITS.maxFileBytes / 1024 / 1024;
    throw new ParseError(
      'file-too-large',
      `文件超过 ${mb} MB，无法导入；请拆分文件`,
      `the file is larger than ${mb} MB; split it`,
    );
  }
  if (bytes.byteLength === 0) throw new ParseError('empty-file', '文件是空的', 'the file is empty');
  if (isZip(bytes)) return parseXlsx(bytes);
  if (/\.xls$/i.test(fileName) || (bytes[0] === 0xd0 && bytes[1] === 0xcf)) {
    throw new ParseError(
      'unsupported-file',
      '不支持旧版 .xls 文件；请在 Excel/WPS 中另存为 .xlsx 或 CSV',
      'old .xls files are not supported; save as .xlsx or CSV in Excel/WPS',
    );
  }
  if (/\.(xlsx|xlsm)$/i.test(fileName)) {
    throw new ParseError('unreadable-file', '无法读取该 Excel 文件', 'cannot read this Excel file');
  }
  return parseCsv(bytes, fileName);
}
