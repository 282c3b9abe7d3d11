/**
 * What an import would do with each data row, decided before anything is written: the
 * lead it makes, or why the row is skipped (an error, or a duplicate in the file or in the
 * database). Pure: the database's known keys and the workspace's users come in as maps.
 */
import { checkFields, type FieldDef, type Fields, type LocalizedText } from '@closeloop/engine';
import { leadKeys } from '../enter-lead.ts';
import type { ColumnMapping } from '../mapping.ts';
import { isBlankRow, type ParsedSheet } from '../parse/sheet.ts';
import { cleanCell, coerceCell } from '../values.ts';

export type RowOutcome = 'create' | 'duplicate-file' | 'duplicate-db' | 'error';

export type PlannedRow = {
  rowNumber: number;
  cells: string[];
  outcome: RowOutcome;
  reasons: LocalizedText[];
  fields: Fields;
  keys: string[];
  source: string;
  externalId?: string;
  ownerId?: string;
  /** For a database duplicate: the record it repeats. */
  recordId?: string;
};

export type PlanInput = {
  sheet: ParsedSheet;
  headerRow: number;
  mapping: ColumnMapping;
  defs: readonly FieldDef[];
  source: string;
  /** Normalised keys (`p:`, `e:`) and `x:source:externalId` already in the database → record id. */
  known: ReadonlyMap<string, string>;
  /** Lower-cased user name or e-mail → user id (active users). */
  users: ReadonlyMap<string, string>;
  /** When set, every row goes to this owner and an owner column is ignored. */
  forcedOwnerId?: string;
  defaultOwnerId?: string;
  duplicatePolicy: 'skip' | 'create';
  utcOffsetMin?: number;
  /** Plan only the first N data rows (preview). */
  limit?: number;
};

const msg = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

const PRECISION_FIX = msg(
  '该单元格在 Excel 中是数字，已丢失末尾数字（如 18 位身份证号）：请将该列设置为“文本”格式后重新填写并导出',
  'Excel stored this cell as a number and lost its last digits (e.g. an 18-digit ID): format the column as Text, re-enter the values and export again',
);
const NUMERIC_PHONE_FIX = msg(
  '电话列在 Excel 中是数字格式，区号前的 0 可能已丢失：请将该列设置为“文本”格式',
  'The phone column is number-typed in Excel, so a leading 0 may be lost: format the column as Text',
);

/** Every data row under the header, in sheet order, with its planned outcome. */
export function planRows(input: PlanInput): PlannedRow[] {
  const { sheet, mapping, defs } = input;
  const defMap = new Map(defs.map((d) => [d.key, d]));
  const lost = new Set(sheet.precisionLost.map((f) => `${f.row}:${f.col}`));
  const numeric = new Set(sheet.numericColumns);
  const seen = new Map<string, number>();
  const out: PlannedRow[] = [];
  const columns = Object.entries(mapping).map(([col, target]) => ({ col: Number(col), target }));
  for (let r = input.headerRow + 1; r < sheet.rows.length; r++) {
    const cells = sheet.rows[r] ?? [];
    if (isBlankRow(cells)) continue;
    if (input.limit !== undefined && out.length >= input.limit) break;
    const reasons: LocalizedText[] = [];
    const raw: Fields = {};
    let source = input.source;
    let externalId: string | undefined;
    let ownerId = input.forcedOwnerId ?? input.defaultOwnerId;
    let phoneNumeric = false;
    for (const { col, target } of columns) {
      const text = cells[col] ?? '';
      if (lost.has(`${r}:${col}`)) reasons.push(PRECISION_FIX);
      if (target === '$source') {
        if (cleanCell(text)) source = cleanCell(text).slice(0, 200);
      } else if (target === '$externalId') {
        if (cleanCell(text)) externalId = cleanCell(text).slice(0, 200);
      } else if (target === '$owner') {
        const who = cleanCell(text).toLowerCase();
        if (who && !input.forcedOwnerId) {
          const id = input.users.get(who);
          if (id) ownerId = id;
          else
            reasons.push(
              msg(
                `负责人「${cleanCell(text)}」不是本工作区的在职用户`,
                `owner "${cleanCell(text)}" is not an active user here`,
              ),
            );
        }
      } else {
        const def = defMap.get(target);
        if (!def) continue;
        const c = coerceCell(def, text, input.utcOffsetMin);
        if (!c.ok) reasons.push(c.message);
        else if (c.value !== null) raw[target] = c.value;
        if (def.type === 'phone' && numeric.has(col)) phoneNumeric = true;
      }
    }
    const checked = checkFields(defMap, raw);
    let fields: Fields = raw;
    if (checked.ok) fields = checked.fields;
    else {
      for (const p of checked.problems) reasons.push(p.message);
      if (phoneNumeric && checked.problems.some((p) => defMap.get(p.field)?.type === 'phone')) {
        reasons.push(NUMERIC_PHONE_FIX);
      }
    }
    if (reasons.length === 0 && Object.keys(fields).length === 0) {
      reasons.push(
        msg(
          '这一行没有可导入的内容（映射的列都为空）',
          'nothing to import in this row (its mapped columns are empty)',
        ),
      );
    }
    const keys = leadKeys(defs, fields);
    const row: PlannedRow = {
      rowNumber: r + 1,
      cells,
      outcome: 'create',
      reasons,
      fields,
      keys,
      source,
      ...(externalId ? { externalId } : {}),
      ...(ownerId ? { ownerId } : {}),
    };
    if (reasons.length) row.outcome = 'error';
    else classifyDuplicate(row, seen, input);
    out.push(row);
  }
  return out;
}

function classifyDuplicate(row: PlannedRow, seen: Map<string, number>, input: PlanInput) {
  const ext = row.externalId ? [`x:${row.source}:${row.externalId}`] : [];
  const watched = input.duplicatePolicy === 'skip' ? [...ext, ...row.keys] : ext;
  for (const k of watched) {
    const first = seen.get(k);
    if (first !== undefined) {
      row.outcome = 'duplicate-file';
      row.reasons.push(msg(`与文件第 ${first} 行重复`, `repeats row ${first} of the file`));
      return;
    }
  }
  for (const k of watched) seen.set(k, row.rowNumber);
  for (const k of watched) {
    const recordId = input.known.get(k);
    if (recordId) {
      row.outcome = 'duplicate-db';
      row.recordId = recordId;
      row.reasons.push(msg('系统中已有相同线索', 'this lead is already in Closeloop'));
      return;
    }
  }
}

/** Counts of a plan, the shape a dry run reports. */
export function countPlan(rows: readonly PlannedRow[]) {
  const c = {
    total: rows.length,
    create: 0,
    attach: 0,
    duplicateInFile: 0,
    duplicateInDb: 0,
    error: 0,
  };
  for (const r of rows) {
    if (r.outcome === 'create') c.create++;
    else if (r.outcome === 'duplicate-file') c.duplicateInFile++;
    else if (r.outcome === 'duplicate-db') c.duplicateInDb++;
    else c.error++;
  }
  return c;
}
