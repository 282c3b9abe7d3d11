/**
 * Invitations not yet accepted, under the users table: who, which role, when it expires;
 * a new link (shown once; the old one stops working) or withdraw it.
 */
import { DeleteOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, List, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { testProps } from '../../shared/test-props.ts';
import {
  type InviteOut,
  type PendingInvite,
  usePendingInvites,
  useResendInvite,
  useRevokeInvite,
} from './api.ts';
import { CopyValue } from './copy-value.tsx';
import { formatDateTime } from './format.ts';

export function PendingInvites() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const invites = usePendingInvites();
  const resend = useResendInvite();
  const revoke = useRevokeInvite();
  const [fresh, setFresh] = useState<(InviteOut & { email: string }) | null>(null);
  const items = invites.data?.items ?? [];
  if (invites.isError)
    return (
      <Alert
        type="error"
        showIcon
        className="admin-alert"
        title={errorMessage(invites.error)}
        action={<Button onClick={() => void invites.refetch()}>{t('app.retry')}</Button>}
      />
    );
  if (!items.length) return null;
  const at = (ms: number) => formatDateTime(ms, i18n.language);
  const onResend = (inv: PendingInvite) =>
    resend.mutate(inv.id, {
      onSuccess: (out) => setFresh({ ...out, email: inv.email }),
      onError: (e) => void message.error(errorMessage(e)),
    });
  const onRevoke = (inv: PendingInvite) =>
    revoke.mutate(inv.id, {
      onSuccess: () => void message.success(t('admin.invite.revoked', { email: inv.email })),
      onError: (e) => void message.error(errorMessage(e)),
    });
  return (
    <Card
      size="small"
      className="admin-invites"
      data-testid="pending-invites"
      title={t('admin.invite.pendingTitle', { count: items.length })}
    >
      <Typography.Paragraph type="secondary" className="admin-small">
        {t('admin.invite.pendingHelp')}
      </Typography.Paragraph>
      <List<PendingInvite>
        dataSource={items}
        rowKey="id"
        renderItem={(inv) => (
          <List.Item
            data-testid={`pending-invite-${inv.email}`}
            actions={[
              <Button
                key="resend"
                size="small"
                icon={<ReloadOutlined />}
                loading={resend.isPending && resend.variables === inv.id}
                onClick={() => onResend(inv)}
                data-testid={`invite-resend-${inv.email}`}
              >
                {t('admin.invite.resend')}
              </Button>,
              <Popconfirm
                key="revoke"
                title={t('admin.invite.revokeConfirm', { email: inv.email })}
                okText={t('admin.invite.revoke')}
                okButtonProps={testProps({ danger: true }, 'invite-revoke-ok')}
                cancelText={t('rep.cancel')}
                onConfirm={() => onRevoke(inv)}
              >
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  loading={revoke.isPending && revoke.variables === inv.id}
                  data-testid={`invite-revoke-${inv.email}`}
                >
                  {t('admin.invite.revoke')}
                </Button>
              </Popconfirm>,
            ]}
          >
            <List.Item.Meta
              title={
                <Space size={6} wrap>
                  <Typography.Text strong>{inv.name}</Typography.Text>
                  <Tag>{t(`app.roles.${inv.role}`)}</Tag>
                  {inv.expired && (
                    <Tag color="orange" data-testid={`invite-expired-${inv.email}`}>
                      {t('admin.invite.expired')}
                    </Tag>
                  )}
                </Space>
              }
              description={
                <span className="admin-small">
                  {inv.email} · {t('admin.invite.invitedAt', { at: at(inv.createdAt) })}
                  {inv.expired
                    ? ''
                    : ` · ${t('admin.invite.expiresAt', { at: at(inv.expiresAt) })}`}
                </span>
              }
            />
          </List.Item>
        )}
      />
      <Modal
        open={!!fresh}
        title={fresh ? t('admin.invite.resent', { email: fresh.email }) : ''}
        onCancel={() => setFresh(null)}
        footer={
          <Button type="primary" onClick={() => setFresh(null)} data-testid="invite-resent-done">
            {t('admin.done')}
          </Button>
        }
      >
        {fresh && (
          <div data-testid="invite-resent">
            <Alert
              type="info"
              showIcon
              className="admin-alert"
              title={t('admin.invite.resendHelp')}
            />
            <Typography.Text strong>{t('admin.invite.link')}</Typography.Text>
            <CopyValue
              value={`${window.location.origin}${fresh.url}`}
              testid="invite-resent-link"
            />
          </div>
        )}
      </Modal>
    </Card>
  );
}
