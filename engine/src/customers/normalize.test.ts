import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  companyKey,
  customerKeys,
  emailKey,
  maskPhone,
  phoneKey,
  pinyinKey,
  usccCheckChar,
  usccKey,
} from './normalize.ts';

const FULL = '０１２３４５６７８９';
const fullWidth = (s: string) => s.replace(/\d/g, (d) => FULL[Number(d)] ?? d);

/** Twelve ways people write one mainland mobile number. */
function mobileForms(n: string): string[] {
  const [a, b, c] = [n.slice(0, 3), n.slice(3, 7), n.slice(7)];
  return [
    n,
    `+86${n}`,
    `+86 ${a} ${b} ${c}`,
    `0086-${a}-${b}-${c}`,
    `0086 ${n}`,
    `${a}-${b}-${c}`,
    `${a} ${b} ${c}`,
    `(+86) ${n}`,
    `（+86）${a}-${b}-${c}`,
    fullWidth(n),
    `＋８６ ${fullWidth(a)} ${fullWidth(b)} ${fullWidth(c)}`,
    ` ${a}.${b}.${c} `,
  ];
}

describe('phoneKey', () => {
  it('gives one E.164 key for a dozen written forms of a mobile number', () => {
    const mobile = fc
      .tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.stringMatching(/^\d{9}$/))
      .map(([p, rest]) => p + rest)
      .filter((n) => phoneKey(n) !== null);
    fc.assert(
      fc.property(mobile, (n) => {
        const keys = new Set(mobileForms(n).map(phoneKey));
        expect([...keys]).toEqual([`+86${n}`]);
      }),
    );
  });

  it.each([
    ['010-62345678', '+861062345678'],
    ['(010) 6234 5678', '+861062345678'],
    ['+86 10 6234 5678', '+861062345678'],
    ['0086 10 62345678', '+861062345678'],
    ['021 5555 1234 转 802', '+862155551234'],
    ['0755-8765 4321#12', '+8675587654321'],
    ['+1 650 253 0000', '+16502530000'],
  ])('reads the landline or foreign number %s', (raw, key) => {
    expect(phoneKey(raw)).toBe(key);
  });

  it.each(['', '12345', 'abc', '138001380', '000000000000'])('gives no key for %j', (raw) => {
    expect(phoneKey(raw)).toBeNull();
  });

  it('masks a phone in the middle', () => {
    expect(maskPhone('+86 138 0013 8000')).toBe('138****8000');
    expect(maskPhone('020-8765 4321')).toBe('020****4321');
    expect(maskPhone('0577-8865 2213')).toBe('0577****2213');
  });
});

describe('companyKey', () => {
  const base = fc.constantFrom(
    '深圳市腾讯计算机系统',
    '杭州阿里巴巴网络技术',
    '上海华东建材贸易',
    '广州白云五金制品',
    '苏州恒信精密机械',
  );
  const suffix = fc.constantFrom(
    '',
    '有限公司',
    '有限责任公司',
    '股份有限公司',
    '集团有限公司',
    '公司',
  );
  const branch = fc.constantFrom('', '（北京分公司）', '(上海分公司)', '【华南办事处】', '');
  it('matches a company with and without its legal suffix or branch', () => {
    fc.assert(
      fc.property(base, suffix, branch, fc.boolean(), (b, s, br, spaced) => {
        const written = spaced ? ` ${b} ${s}${br} ` : `${b}${s}${br}`;
        expect(companyKey(written)).toBe(companyKey(b));
      }),
    );
  });

  it('folds traditional characters and full-width forms', () => {
    expect(companyKey('深圳市騰訊計算機系統有限公司')).toBe(companyKey('深圳市腾讯计算机系统'));
    expect(companyKey('ＡＢＣ　Trading Co., Ltd.')).toBe(companyKey('abc trading'));
  });

  it('names no company for a bare legal form', () => {
    expect(companyKey('有限公司')).toBeNull();
    expect(companyKey('  ')).toBeNull();
  });
});

describe('usccKey', () => {
  it('accepts a code whose check character is right and rejects any other', () => {
    // 91110000 + 9-char organisation code + check: a known valid code
    expect(usccKey('91350100M000100Y43')).toBe('91350100M000100Y43');
    expect(usccKey('91350100M000100Y44')).toBeNull();
    expect(usccKey('9135 0100 m000 100y43')).toBe('91350100M000100Y43');
  });

  it('round-trips every generated code through its check character', () => {
    const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const body = fc
      .tuple(
        fc.constantFrom('91', '92', '93', '11', '12', '51', '52', '53', 'Y1'),
        fc.stringMatching(/^\d{6}$/),
        fc.array(fc.constantFrom(...chars), { minLength: 9, maxLength: 9 }),
      )
      .map(([a, b, c]) => a + b + c.join(''));
    fc.assert(
      fc.property(body, (first17) => {
        const check = usccCheckChar(first17);
        expect(check).not.toBeNull();
        expect(usccKey(first17 + check)).toBe(first17 + check);
        const wrong = chars[(chars.indexOf(check ?? '0') + 1) % chars.length];
        expect(usccKey(first17 + wrong)).toBeNull();
      }),
    );
  });
});

describe('emailKey, pinyinKey and customerKeys', () => {
  it('lower-cases e-mail', () => {
    expect(emailKey(' Zhang.Wei@Example.COM ')).toBe('zhang.wei@example.com');
    expect(emailKey('not-mail')).toBeNull();
  });

  it('gives the same sound for simplified, traditional and homophone names', () => {
    expect(pinyinKey('张伟')).toBe('zhangwei');
    expect(pinyinKey('張偉')).toBe('zhangwei');
    expect(pinyinKey('章 伟')).toBe('zhangwei');
  });

  it('collects every valid key once', () => {
    const keys = customerKeys({
      kind: 'company',
      name: '上海华东建材贸易有限公司',
      phones: ['138 0013 8000', '+8613800138000', 'bad'],
      emails: ['Li@Example.com'],
      uscc: '91350100M000100Y43',
    });
    expect(keys).toEqual([
      { kind: 'uscc', value: '91350100M000100Y43' },
      { kind: 'phone', value: '+8613800138000' },
      { kind: 'email', value: 'li@example.com' },
      { kind: 'company', value: '上海华东建材贸易' },
      { kind: 'pinyin', value: 'shanghaihuadongjiancaimaoyi' },
    ]);
  });
});
