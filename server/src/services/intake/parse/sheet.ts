/** What the parser hands on: every sheet's cells as text, exactly as the file holds them. */
export type CellFlag = {
  /** 0-based row index in `rows`. */
  row: number;
  col: number;
  /** The cell's text as read (e.g. "1.10101199001011E+17"). */
  value: string;
};

export type ParsedSheet = {
  name: string;
  /** Every row of the sheet, blank rows included so indexes are sheet row numbers - 1. */
  rows: string[][];
  /** Columns holding at least one number-typed cell (a phone column should be text). */
  numericColumns: number[];
  /** Number cells that lost digits (over 15 significant digits, or scientific notation). */
  precisionLost: CellFlag[];
};

export type ParsedFile = {
  kind: 'csv' | 'xlsx';
  /** Text encoding for CSV; null for .xlsx (always UTF-8 XML inside). */
  encoding: string | null;
  sheets: ParsedSheet[];
};

export const isBlankRow = (row: readonly string[]) => row.every((c) => c.trim() === '');

/** Text that Excel made of a long number: "1.10101E+17". */
export const SCIENTIFIC = /^[+-]?\d(\.\d+)?E\+\d{1,3}$/i;

/** A number written without exponent or grouping (String(1e20) would say "100000000000000000000"). */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  return String(n);
}

/** Digits a number cell can no longer hold exactly: an 18-digit ID read as a number. */
export function lostPrecision(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) > Number.MAX_SAFE_INTEGER;
}
