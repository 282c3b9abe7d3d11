import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** Placeholder for an area another team is building. */
export function ComingSoon({ label }: { label: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="info"
      title={t('app.comingSoon')}
      subTitle={t('app.comingSoonBody', { area: t(label) })}
      data-testid="coming-soon"
    />
  );
}
