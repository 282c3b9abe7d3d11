import { describe, expect, it } from 'vitest';
import { companyKey, emailKey, phoneKey } from './find-duplicates.ts';

describe('duplicate keys', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['0086 (138) 0013 8000', '13800138000'],
    ['010-8888 6666', '01088886666'],
    ['010-8888 6666转123', '01088886666'],
    ['010-8888 6666#8', '01088886666'],
    ['12345', null],
    ['', null],
  ])('phone %s → %s', (raw, key) => {
    expect(phoneKey(raw)).toBe(key);
  });

  it.each([
    [' Wang@Example.COM ', 'wang@example.com'],
    ['not-an-email', null],
  ])('email %s → %s', (raw, key) => {
    expect(emailKey(raw)).toBe(key);
  });

  it.each([
    ['上海某某科技有限公司', '上海某某科技'],
    ['上海某某科技', '上海某某科技'],
    ['上海某某科技股份有限公司', '上海某某科技'],
    ['（上海）某某科技 有限公司', '上海某某科技'],
    ['Acme Trading Co., Ltd.', 'acmetrading'],
    ['ACME trading', 'acmetrading'],
    ['ＡＣＭＥ Trading Inc', 'acmetrading'],
    ['公司', null],
    ['A', null],
  ])('company %s → %s', (raw, key) => {
    expect(companyKey(raw)).toBe(key);
  });
});
