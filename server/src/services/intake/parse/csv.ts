import Papa from 'papaparse';
import { decodeText } from './decode.ts';
import { IMPORT_LIMITS, ParseError } from './limits.ts';
import { type CellFlag, isBlankRow, type ParsedFile, SCIENTIFIC } from './sheet.ts';

/** Parses a CSV (or TSV) file: detects its encoding and delimiter, keeps every cell as text. */
export function parseCsv(bytes: Uint8Array, name = 'CSV'): ParsedFile {
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') throw new ParseError('empty-file', '文件是空的', 'the file is empty');
  const parsed = Papa.parse<string[]>(text, {
    delimitersToGuess: [',', '\t', ';', '|'],
    skipEmptyLines: false,
  });
  const rows = parsed.data;
  // a file that ends with a newline yields one empty last row
  const last = rows[rows.length - 1];
  if (last && last.length === 1 && last[0] === '') rows.pop();
  let dataRows = 0;
  const precisionLost: CellFlag[] = [];
  let width = 0;
  rows.forEach((row, r) => {
    if (isBlankRow(row)) return;
    dataRows++;
    if (row.length > width) width = row.length;
    row.forEach((cell, c) => {
      if (precisionLost.length < 1000 && SCIENTIFIC.test(cell.trim())) {
        precisionLost.push({ row: r, col: c, value: cell });
      }
    });
  });
  checkShape(dataRows, width);
  return {
    kind: 'csv',
    encoding,
    sheets: [
      { name: name.replace(/\.[^.]+$/, '') || 'CSV', rows, numericColumns: [], precisionLost },
    ],
  };
}

/** Refuses a sheet over the row or column limit (one header row allowed on top). */
export function checkShape(nonBlankRows: number, width: number) {
  if (nonBlankRows > IMPORT_LIMITS.maxRows + 1) {
    throw new ParseError(
      'too-many-rows',
      `文件有 ${nonBlankRows - 1} 行数据，一次最多导入 ${IMPORT_LIMITS.maxRows} 行；请拆分文件`,
      `the file has ${nonBlankRows - 1} data rows; at most ${IMPORT_LIMITS.maxRows} can be imported at once — split the file`,
    );
  }
  if (width > IMPORT_LIMITS.maxColumns) {
    throw new ParseError(
      'too-many-columns',
      `文件有 ${width} 列，最多 ${IMPORT_LIMITS.maxColumns} 列`,
      `the file has ${width} columns; at most ${IMPORT_LIMITS.maxColumns}`,
    );
  }
}
