/** The workspace switch that lets reps import leads (always into their own name). */
import { App, Card, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useIntakeSettings, useUpdateIntakeSettings } from '../../shared/api/intake.ts';

export function IntakeSetting() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const settings = useIntakeSettings();
  const update = useUpdateIntakeSettings();
  return (
    <Card size="small" className="admin-setting" data-testid="admin-intake-setting">
      <div className="admin-setting-row">
        <div>
          <Typography.Text strong>{t('admin.intake.repsMayImport')}</Typography.Text>
          <br />
          <Typography.Text type="secondary">{t('admin.intake.repsMayImportHelp')}</Typography.Text>
        </div>
        <Switch
          checked={settings.data?.repsMayImport === true}
          loading={settings.isPending || update.isPending}
          onChange={async (on) => {
            try {
              await update.mutateAsync({ repsMayImport: on });
              message.success(t('admin.intake.saved'));
            } catch (e) {
              message.error(errorMessage(e));
            }
          }}
          data-testid="admin-reps-may-import"
        />
      </div>
    </Card>
  );
}
