import { templates } from '@closeloop/sop-library';
import { describe, expect, it } from 'vitest';
import { en } from '../../shared/i18n/en.ts';
import { zhCN } from '../../shared/i18n/zh-CN.ts';

describe('library tag names', () => {
  const tags = [...new Set(templates.flatMap((x) => x.doc.tags ?? []))];

  it('the templates have tags', () => {
    expect(tags.length).toBeGreaterThan(5);
  });

  it('every template tag has a name in zh-CN and in en, and no name is left unused', () => {
    for (const tag of tags) {
      expect(zhCN.library.tagNames, tag).toHaveProperty([tag]);
      expect(en.library.tagNames, tag).toHaveProperty([tag]);
    }
    expect(Object.keys(zhCN.library.tagNames).sort()).toEqual([...tags].sort());
    expect(Object.keys(en.library.tagNames).sort()).toEqual([...tags].sort());
  });
});
