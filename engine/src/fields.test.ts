import { describe, expect, it } from 'vitest';
import { recordLabel } from './fields.ts';
import type { FieldDef } from './sop.ts';

const def = (key: string, type: FieldDef['type'] = 'text'): FieldDef =>
  ({ key, type, label: { 'zh-CN': key, en: key } }) as FieldDef;

describe('recordLabel', () => {
  const defs = [def('contactName'), def('company'), def('phone', 'phone'), def('note')];

  it('names a record by its contact, with the company beside it', () => {
    expect(recordLabel({ contactName: ' 王磊 ', company: '星河科技' }, defs)).toEqual({
      title: '王磊',
      subtitle: '星河科技',
    });
  });

  it('falls back to the company, then to the first filled text field', () => {
    expect(recordLabel({ company: '星河科技' }, defs)).toEqual({ title: '星河科技', subtitle: '' });
    expect(recordLabel({ note: '展会名片', phone: '13800138000' }, defs)).toEqual({
      title: '展会名片',
      subtitle: '',
    });
  });

  it('is null when nothing that names the record is filled', () => {
    expect(recordLabel({ phone: '13800138000', contactName: '  ' }, defs)).toBeNull();
  });
});
