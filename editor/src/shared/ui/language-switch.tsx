import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { type AppLocale, setLocale } from '../i18n/index.ts';

export function LanguageSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const { t, i18n } = useTranslation();
  return (
    <Segmented<AppLocale>
      size={size}
      aria-label={t('app.language')}
      data-testid="language-switch"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      onChange={(v) => setLocale(v)}
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}
