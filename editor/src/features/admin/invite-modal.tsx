/** Invite a person: a form, then the one-time link (shown once) with a copy button. */
import { Alert, Button, Form, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { testProps } from '../../shared/test-props.ts';
import { type InviteInput, type InviteOut, LOCALES, ROLES, useInviteUser } from './api.ts';
import { CopyValue } from './copy-value.tsx';
import { ErrorAlert } from './error-alert.tsx';
import { formatDateTime } from './format.ts';
import { useStepFooter } from './step-footer.tsx';

export function InviteModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<InviteInput>();
  const invite = useInviteUser();
  const [done, setDone] = useState<(InviteOut & { email: string }) | null>(null);

  const close = () => {
    setDone(null);
    invite.reset();
    form.resetFields();
    onClose();
  };

  const submit = (v: InviteInput) =>
    invite.mutate(
      { ...v, email: v.email.trim(), name: v.name.trim() },
      { onSuccess: (out) => setDone({ ...out, email: v.email.trim() }) },
    );

  const link = done ? `${window.location.origin}${done.url}` : '';

  const footer = useStepFooter({
    done: !!done,
    close,
    submit: {
      label: t('admin.invite.submit'),
      onClick: () => form.submit(),
      loading: invite.isPending,
      testId: 'invite-submit',
    },
    finish: { label: t('admin.done'), testId: 'invite-done' },
    extra: [
      <Button
        key="again"
        onClick={() => {
          setDone(null);
          invite.reset();
          form.resetFields();
        }}
      >
        {t('admin.invite.another')}
      </Button>,
    ],
  });
  return (
    <Modal
      open={open}
      title={t('admin.invite.title')}
      onCancel={close}
      destroyOnHidden
      footer={footer}
    >
      {done ? (
        <div data-testid="invite-result">
          <Alert
            type="success"
            showIcon
            title={t('admin.invite.created', { email: done.email })}
            description={t('admin.invite.once', {
              expires: formatDateTime(done.expiresAt, i18n.language),
            })}
            className="admin-alert"
          />
          <Typography.Text strong>{t('admin.invite.link')}</Typography.Text>
          <CopyValue value={link} testid="invite-link" />
        </div>
      ) : (
        <Form<InviteInput>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ role: 'rep', locale: i18n.language === 'en' ? 'en' : 'zh-CN' }}
          onFinish={submit}
        >
          {invite.isError && (
            <ErrorAlert
              title={t('admin.invite.failed')}
              error={invite.error}
              testId="invite-error"
            />
          )}
          <Form.Item
            name="email"
            label={t('admin.users.email')}
            rules={[
              { required: true, message: t('admin.invite.emailRequired') },
              { type: 'email', message: t('admin.invite.emailInvalid') },
            ]}
          >
            <Input inputMode="email" autoComplete="off" data-testid="invite-email" />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('admin.users.name')}
            rules={[{ required: true, whitespace: true, message: t('admin.invite.nameRequired') }]}
          >
            <Input data-testid="invite-name" maxLength={200} />
          </Form.Item>
          <Form.Item name="role" label={t('admin.users.role')}>
            <Select
              data-testid="invite-role"
              options={ROLES.map((r) => ({
                value: r,
                label: <span data-testid={`invite-role-${r}`}>{t(`app.roles.${r}`)}</span>,
              }))}
            />
          </Form.Item>
          <Form.Item name="locale" label={t('admin.users.locale')}>
            <Select
              {...testProps({}, 'invite-locale')}
              options={LOCALES.map((l) => ({ value: l, label: t(`admin.locales.${l}`) }))}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
