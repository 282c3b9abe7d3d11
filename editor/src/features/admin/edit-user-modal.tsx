/**
 * Change a user's name, role, language and mobile (updateUser; nobody changes their own role).
 * The mobile is what chat robots @-mention; the server stores it in E.164.
 */
import { Form, Input, Modal, Select } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { testProps } from '../../shared/test-props.ts';
import {
  LOCALES,
  type Locale,
  ROLES,
  type Role,
  type UserPatch,
  type UserSummary,
  useUpdateUser,
} from './api.ts';
import { ErrorAlert } from './error-alert.tsx';

type EditForm = { name: string; role: Role; locale: Locale; mobile?: string };

export function EditUserModal({
  user,
  self,
  onClose,
}: {
  user: UserSummary | null;
  self: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditForm>();
  const update = useUpdateUser();

  useEffect(() => {
    if (user)
      form.setFieldsValue({
        name: user.name,
        role: user.role,
        locale: user.locale,
        mobile: user.mobile ?? '',
      });
  }, [user, form]);

  const close = () => {
    update.reset();
    onClose();
  };

  const submit = (v: EditForm) => {
    if (!user) return;
    const patch: UserPatch = {};
    if (v.name.trim() !== user.name) patch.name = v.name.trim();
    if (v.role !== user.role) patch.role = v.role;
    if (v.locale !== user.locale) patch.locale = v.locale;
    const mobile = v.mobile?.trim() || null;
    if (mobile !== (user.mobile ?? null)) patch.mobile = mobile;
    if (Object.keys(patch).length === 0) {
      close();
      return;
    }
    update.mutate({ userId: user.id, patch }, { onSuccess: close });
  };

  return (
    <Modal
      open={user !== null}
      title={t('admin.users.editTitle', { name: user?.name ?? '' })}
      onCancel={close}
      onOk={() => form.submit()}
      okText={t('admin.save')}
      cancelText={t('admin.cancel')}
      okButtonProps={testProps({ loading: update.isPending }, 'user-edit-save')}
      destroyOnHidden
      forceRender
    >
      <Form<EditForm> form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        {update.isError && (
          <ErrorAlert
            title={t('admin.users.saveFailed')}
            error={update.error}
            testId="user-edit-error"
          />
        )}
        <Form.Item
          name="name"
          label={t('admin.users.name')}
          rules={[{ required: true, whitespace: true, message: t('admin.invite.nameRequired') }]}
        >
          <Input maxLength={200} data-testid="user-edit-name" />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('admin.users.role')}
          extra={self ? t('admin.users.ownRole') : undefined}
        >
          <Select
            disabled={self}
            data-testid="user-edit-role"
            options={ROLES.map((r) => ({
              value: r,
              label: <span data-testid={`user-edit-role-${r}`}>{t(`app.roles.${r}`)}</span>,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="locale"
          label={t('admin.users.locale')}
          extra={t('admin.users.localeHelp')}
        >
          <Select
            data-testid="user-edit-locale"
            options={LOCALES.map((l) => ({
              value: l,
              label: <span data-testid={`user-edit-locale-${l}`}>{t(`admin.locales.${l}`)}</span>,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="mobile"
          label={t('admin.users.mobile')}
          extra={t('admin.users.mobileHelp')}
        >
          <Input maxLength={40} inputMode="tel" data-testid="user-edit-mobile" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
