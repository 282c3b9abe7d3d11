import { describe, expect, it } from 'vitest';
import { detailFitsLocale } from './client.ts';

// an English detail used to follow a Chinese title: "SOP 已存在: an SOP with id x already exists"
describe('detailFitsLocale', () => {
  it('keeps a detail written in the reader’s language and drops one that is not', () => {
    expect(detailFitsLocale('an SOP with id x already exists', 'zh-CN')).toBe(false);
    expect(detailFitsLocale('标识「x」已被占用', 'zh-CN')).toBe(true);
    expect(detailFitsLocale('an SOP with id x already exists', 'en')).toBe(true);
    expect(detailFitsLocale('标识「x」已被占用', 'en')).toBe(false);
  });
});
