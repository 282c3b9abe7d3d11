/** The team settings both the create dialog and the team page edit: name, sharing, managers. */
import { Form, Input, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';

type Option = { value: string; label: string };

/** Form items for `name`, `shared` and `managers`; test ids start with `testIdPrefix`. */
export function TeamSettingsFields({
  options,
  testIdPrefix,
}: {
  options: Option[];
  testIdPrefix: 'team' | 'team-create';
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="name"
        label={t('admin.teams.name')}
        rules={[{ required: true, whitespace: true, message: t('admin.teams.nameRequired') }]}
      >
        <Input maxLength={200} data-testid={`${testIdPrefix}-name`} />
      </Form.Item>
      <Form.Item
        name="shared"
        label={t('admin.teams.shared')}
        extra={t('admin.teams.sharedHelp')}
        valuePropName="checked"
      >
        <Switch data-testid={`${testIdPrefix}-shared`} />
      </Form.Item>
      <Form.Item name="managers" label={t('admin.teams.managers')}>
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          options={options}
          data-testid={`${testIdPrefix}-managers`}
        />
      </Form.Item>
    </>
  );
}
