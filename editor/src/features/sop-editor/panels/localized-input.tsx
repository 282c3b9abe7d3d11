/** Editing a LocalizedText: one box per language, both always present. */
import type { LocalizedText } from '@closeloop/engine';
import { Input } from 'antd';

type Props = {
  value: LocalizedText | undefined;
  onChange: (next: LocalizedText | undefined) => void;
  multiline?: boolean;
  testid?: string;
  placeholder?: string;
};

export function LocalizedInput({ value, onChange, multiline, testid, placeholder }: Props) {
  const set = (lang: 'zh-CN' | 'en', text: string) => {
    const next = { 'zh-CN': value?.['zh-CN'] ?? '', en: value?.en ?? '', [lang]: text };
    onChange(next['zh-CN'] === '' && next.en === '' ? undefined : next);
  };
  const Box = multiline ? Input.TextArea : Input;
  const extra = multiline ? { autoSize: { minRows: 2, maxRows: 8 } } : {};
  return (
    <div className="localized-input">
      {(['zh-CN', 'en'] as const).map((lang) => (
        <div key={lang} className="localized-row">
          <span className="lang-tag">{lang === 'en' ? 'EN' : '中'}</span>
          <Box
            {...extra}
            value={value?.[lang] ?? ''}
            placeholder={placeholder}
            onChange={(e) => set(lang, e.target.value)}
            data-testid={testid ? `${testid}-${lang}` : undefined}
          />
        </div>
      ))}
    </div>
  );
}
