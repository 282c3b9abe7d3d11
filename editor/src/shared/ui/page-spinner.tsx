import { Spin } from 'antd';
import { useTranslation } from 'react-i18next';

/** The placeholder while a page's data or code loads. */
export function PageSpinner() {
  const { t } = useTranslation();
  return (
    <div className="page-spinner" data-testid="page-loading">
      <Spin description={t('app.loading')}>
        <div style={{ width: 120, height: 60 }} />
      </Spin>
    </div>
  );
}
