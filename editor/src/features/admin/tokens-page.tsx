/**
 * /admin/tokens: API tokens for integrations — list, create (name, scopes, optional expiry;
 * the secret is shown once), revoke with confirmation.
 */
import { KeyOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Form,
  Grid,
  Input,
  Modal,
  Popconfirm,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { testProps } from '../../shared/test-props.ts';
import { AdminLayout } from './admin-layout.tsx';
import { AdminList } from './admin-list.tsx';
import {
  type ApiToken,
  isMissingRoute,
  TOKEN_SCOPES,
  type TokenCreated,
  type TokenInput,
  useCreateToken,
  useRevokeToken,
  useTokens,
} from './api.ts';
import { CopyValue } from './copy-value.tsx';
import { ErrorAlert } from './error-alert.tsx';
import { formatDateTime } from './format.ts';
import { useStepFooter } from './step-footer.tsx';

export function TokensPage() {
  return (
    <AdminLayout tab="tokens" adminOnly>
      <TokensList />
    </AdminLayout>
  );
}

/** Where the token and audit API is not on this server yet (it answers 404). */
function tokenState(tk: ApiToken, now: number): 'revoked' | 'expired' | 'suspended' | 'active' {
  if (tk.revokedAt !== null) return 'revoked';
  if (tk.expiresAt !== null && tk.expiresAt <= now) return 'expired';
  if (tk.suspended) return 'suspended';
  return 'active';
}

function TokensList() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const now = Date.now();
  const when = (v: number | null) => formatDateTime(v, i18n.language);
  const screens = Grid.useBreakpoint();
  const scopeTags = (tk: ApiToken) => (
    <Space size={[4, 4]} wrap>
      {tk.scopes.map((s) => (
        <Tag key={s}>
          {(TOKEN_SCOPES as readonly string[]).includes(s) ? t(`admin.tokens.scope.${s}`) : s}
        </Tag>
      ))}
    </Space>
  );

  const columns: ColumnsType<ApiToken> = [
    {
      key: 'name',
      title: t('admin.tokens.name'),
      render: (_, tk) => (
        <div>
          <Typography.Text strong data-testid={`token-name-${tk.id}`}>
            {tk.name}
          </Typography.Text>
          {!screens.sm && <div>{scopeTags(tk)}</div>}
        </div>
      ),
    },
    {
      key: 'scopes',
      title: t('admin.tokens.scopes'),
      responsive: ['sm'],
      render: (_, tk) => scopeTags(tk),
    },
    {
      key: 'status',
      title: t('admin.users.status'),
      render: (_, tk) => {
        const st = tokenState(tk, now);
        return (
          <Tag
            color={st === 'active' ? 'green' : st === 'revoked' ? 'red' : 'default'}
            data-testid={`token-status-${tk.id}`}
            data-state={st}
          >
            {t(`admin.tokens.state.${st}`)}
          </Tag>
        );
      },
    },
    {
      key: 'created',
      title: t('admin.tokens.created'),
      responsive: ['md'],
      render: (_, tk) => (
        <span>
          {when(tk.createdAt)}
          <br />
          <Typography.Text type="secondary" className="admin-small">
            {tk.createdByName ?? tk.createdBy ?? '—'}
          </Typography.Text>
        </span>
      ),
    },
    {
      key: 'expires',
      title: t('admin.tokens.expires'),
      responsive: ['md'],
      render: (_, tk) => (tk.expiresAt === null ? t('admin.tokens.never') : when(tk.expiresAt)),
    },
    {
      key: 'lastUsed',
      title: t('admin.tokens.lastUsed'),
      responsive: ['lg'],
      render: (_, tk) => (tk.lastUsedAt === null ? t('admin.tokens.unused') : when(tk.lastUsedAt)),
    },
    {
      key: 'actions',
      title: t('admin.users.actions'),
      render: (_, tk) =>
        tk.revokedAt === null ? (
          <Popconfirm
            title={t('admin.tokens.revokeConfirm', { name: tk.name })}
            description={t('admin.tokens.revokeBody')}
            okText={t('admin.tokens.revoke')}
            cancelText={t('admin.cancel')}
            okButtonProps={testProps({ danger: true }, 'token-revoke-ok')}
            onConfirm={() =>
              revoke.mutateAsync(tk.id).then(
                () => void message.success(t('admin.tokens.revoked', { name: tk.name })),
                (e: unknown) => void message.error(errorMessage(e)),
              )
            }
          >
            <Button size="small" danger data-testid={`token-revoke-${tk.id}`}>
              {t('admin.tokens.revoke')}
            </Button>
          </Popconfirm>
        ) : (
          <Typography.Text type="secondary" className="admin-small">
            {when(tk.revokedAt)}
          </Typography.Text>
        ),
    },
  ];

  return (
    <>
      <AdminList<ApiToken>
        hint={
          <>
            {t('admin.tokens.hint')}
            <br />
            <span data-testid="token-rights-note">{t('admin.tokens.rightsNote')}</span>
          </>
        }
        create={{
          label: t('admin.tokens.create'),
          testId: 'token-create-open',
          onClick: () => setCreating(true),
        }}
        query={tokens}
        what={t('admin.tabs.tokens')}
        columns={columns}
        empty={{
          icon: <KeyOutlined className="admin-empty-icon" />,
          text: t('admin.tokens.empty'),
        }}
        testId="tokens-table"
        onRow={(tk) =>
          ({
            'data-testid': `token-row-${tk.name}`,
            'data-id': tk.id,
          }) as React.HTMLAttributes<HTMLElement>
        }
      />
      <CreateTokenModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

type TokenForm = { name: string; scopes: TokenInput['scopes']; expires: Dayjs | null };

function CreateTokenModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TokenForm>();
  const create = useCreateToken();
  const [made, setMade] = useState<TokenCreated | null>(null);

  const close = () => {
    // the secret leaves memory with the dialog: it is never shown again
    setMade(null);
    create.reset();
    form.resetFields();
    onClose();
  };

  const submit = (v: TokenForm) =>
    create.mutate(
      {
        name: v.name.trim(),
        scopes: v.scopes,
        ...(v.expires ? { expiresAt: v.expires.endOf('day').valueOf() } : {}),
      },
      { onSuccess: setMade },
    );

  const footer = useStepFooter({
    done: !!made,
    close,
    submit: {
      label: t('admin.tokens.createOk'),
      onClick: () => form.submit(),
      loading: create.isPending,
      testId: 'token-create-submit',
    },
    finish: { label: t('admin.tokens.copiedDone'), testId: 'token-secret-done' },
  });
  return (
    <Modal
      open={open}
      title={
        made ? t('admin.tokens.createdTitle', { name: made.token.name }) : t('admin.tokens.create')
      }
      onCancel={close}
      maskClosable={!made}
      destroyOnHidden
      footer={footer}
    >
      {made ? (
        <div data-testid="token-secret-panel">
          <Alert
            type="warning"
            showIcon
            title={t('admin.tokens.onceTitle')}
            description={t('admin.tokens.onceBody')}
            className="admin-alert"
            data-testid="token-secret-warning"
          />
          <CopyValue value={made.secret} testid="token-secret" />
        </div>
      ) : (
        <Form<TokenForm>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ scopes: ['read'], expires: null }}
          onFinish={submit}
        >
          {create.isError && (
            <ErrorAlert
              title={
                isMissingRoute(create.error)
                  ? t('admin.missingApi', { what: t('admin.tabs.tokens') })
                  : t('admin.tokens.createFailed')
              }
              error={create.error}
              testId="token-create-error"
            />
          )}
          <Form.Item
            name="name"
            label={t('admin.tokens.name')}
            extra={t('admin.tokens.nameHelp')}
            rules={[{ required: true, whitespace: true, message: t('admin.tokens.nameRequired') }]}
          >
            <Input maxLength={100} showCount data-testid="token-name" />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t('admin.tokens.scopes')}
            rules={[
              { required: true, type: 'array', min: 1, message: t('admin.tokens.scopesRequired') },
            ]}
          >
            <Checkbox.Group className="admin-scopes">
              {TOKEN_SCOPES.map((s) => (
                <Checkbox key={s} value={s} data-testid={`token-scope-${s}`}>
                  <strong>{t(`admin.tokens.scope.${s}`)}</strong>
                  <div className="admin-small admin-muted">{t(`admin.tokens.scopeHelp.${s}`)}</div>
                </Checkbox>
              ))}
            </Checkbox.Group>
          </Form.Item>
          <Form.Item
            name="expires"
            label={t('admin.tokens.expires')}
            extra={t('admin.tokens.expiresHelp')}
          >
            <DatePicker
              className="admin-wide"
              disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
              data-testid="token-expires"
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
