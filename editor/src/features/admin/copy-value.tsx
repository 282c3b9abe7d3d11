import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** A one-time value (invite link, token secret) shown in full with a copy button. */
export function CopyValue({ value, testid }: { value: string; testid: string }) {
  const { t } = useTranslation();
  return (
    <Typography.Paragraph
      className="admin-secret"
      code
      copyable={{ text: value, tooltips: [t('admin.copy'), t('admin.copied')] }}
      data-testid={testid}
    >
      {value}
    </Typography.Paragraph>
  );
}
