import type { FieldDef } from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { rowKeys, takeBatch } from './batch.ts';
import type { PlannedRow } from './plan-rows.ts';

const t = (s: string) => ({ 'zh-CN': s, en: s });
const DEFS: FieldDef[] = [
  { key: 'company', type: 'text', label: t('公司') },
  { key: 'phone', type: 'phone', label: t('手机') },
];

const row = (
  n: number,
  company: string,
  phone: string,
  outcome: PlannedRow['outcome'] = 'create',
): PlannedRow => ({
  rowNumber: n,
  cells: [company, phone],
  outcome,
  reasons: [],
  fields: { company, phone },
  keys: [`p:${phone}`],
  source: 'test',
});

describe('takeBatch', () => {
  const keysOf = (r: PlannedRow) => rowKeys(DEFS, r);

  it.each([
    {
      name: 'rows with distinct keys fill the batch in order',
      rows: [row(2, '甲公司', '13800000001'), row(3, '乙公司', '13800000002')],
      size: 10,
      batch: [2, 3],
      rest: [],
    },
    {
      name: 'a row repeating a phone waits for the next batch',
      rows: [
        row(2, '甲公司', '13800000001'),
        row(3, '乙公司', '13800000001'),
        row(4, '丙公司', '13800000003'),
      ],
      size: 10,
      batch: [2, 4],
      rest: [3],
    },
    {
      name: 'a row of the same company (a customer key) waits too',
      rows: [
        row(2, '杭州云帆科技有限公司', '13800000001'),
        row(3, '杭州云帆科技有限公司', '13800000002'),
      ],
      size: 10,
      batch: [2],
      rest: [3],
    },
    {
      name: 'rows that create nothing have no keys and never wait',
      rows: [row(2, '甲公司', '13800000001'), row(3, '甲公司', '13800000001', 'duplicate-file')],
      size: 10,
      batch: [2, 3],
      rest: [],
    },
    {
      name: 'the size bounds the batch; the rest keep their order',
      rows: [row(2, 'a', '13800000001'), row(3, 'b', '13800000002'), row(4, 'c', '13800000003')],
      size: 2,
      batch: [2, 3],
      rest: [4],
    },
  ])('$name', ({ rows, size, batch, rest }) => {
    const out = takeBatch(rows, size, keysOf);
    expect(out.batch.map((r) => r.rowNumber)).toEqual(batch);
    expect(out.rest.map((r) => r.rowNumber)).toEqual(rest);
  });

  it('always takes the first row, so a run makes progress', () => {
    const rows = Array.from({ length: 5 }, (_, i) => row(i + 2, '同一家公司', '13800000001'));
    let queue = rows;
    const order: number[] = [];
    while (queue.length) {
      const { batch, rest } = takeBatch(queue, 200, keysOf);
      expect(batch).toHaveLength(1);
      order.push(...batch.map((r) => r.rowNumber));
      queue = rest;
    }
    expect(order).toEqual([2, 3, 4, 5, 6]);
  });
});
