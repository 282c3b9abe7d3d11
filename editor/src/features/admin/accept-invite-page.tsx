/**
 * /invite#<token> (the link inviteUser hands out; the token stays in the fragment, so it
 * never reaches a server log or a Referer) and /invite/<token>: the invitee picks their
 * name and a password, the invitation is used up, and they are signed in.
 */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { fetchMe, keys } from '../../shared/api/queries.ts';
import { homeFor } from '../../shared/home.ts';
import { LanguageSwitch } from '../../shared/ui/language-switch.tsx';
import { isProblem, useAcceptInvite } from './api.ts';
import './admin.css';

type AcceptForm = { name?: string; password: string; confirm: string };

/** The token from the path, else from the fragment. */
function useInviteToken(): string {
  const params = useParams();
  const { hash } = useLocation();
  if (params.token) return params.token;
  try {
    return decodeURIComponent(hash.replace(/^#/, ''));
  } catch {
    return '';
  }
}

export function AcceptInvitePage() {
  const { t } = useTranslation();
  const token = useInviteToken();
  const accept = useAcceptInvite();
  const qc = useQueryClient();
  const navigate = useNavigate();

  const submit = (v: AcceptForm) =>
    accept.mutate(
      { token, password: v.password, ...(v.name?.trim() ? { name: v.name.trim() } : {}) },
      {
        onSuccess: async () => {
          const me = await fetchMe().catch(() => null);
          qc.setQueryData(keys.me, me?.user ?? null);
          navigate(homeFor(me?.user.role), { replace: true });
        },
      },
    );

  const invalid = isProblem(accept.error, 'invite-invalid');

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <Card className="login-card" data-testid="accept-invite-page">
        {token.length < 10 ? (
          <Result
            status="warning"
            title={t('admin.accept.noToken')}
            subTitle={t('admin.accept.noTokenBody')}
            extra={<Link to="/login">{t('admin.accept.toLogin')}</Link>}
          />
        ) : (
          <>
            <Typography.Title level={3}>{t('admin.accept.title')}</Typography.Title>
            <Typography.Paragraph type="secondary">
              {t('admin.accept.subtitle')}
            </Typography.Paragraph>
            {accept.isError && (
              <Alert
                type="error"
                showIcon
                title={invalid ? t('admin.accept.invalid') : t('admin.accept.failed')}
                description={invalid ? t('admin.accept.invalidBody') : errorMessage(accept.error)}
                className="admin-alert"
                data-testid="accept-error"
              />
            )}
            <Form<AcceptForm> layout="vertical" requiredMark={false} onFinish={submit}>
              <Form.Item
                name="name"
                label={t('admin.accept.name')}
                extra={t('admin.accept.nameHelp')}
              >
                <Input
                  prefix={<UserOutlined />}
                  maxLength={200}
                  autoComplete="name"
                  data-testid="accept-name"
                />
              </Form.Item>
              <Form.Item
                name="password"
                label={t('admin.accept.password')}
                rules={[
                  { required: true, message: t('admin.accept.passwordRequired') },
                  { min: 8, message: t('admin.accept.passwordShort') },
                  { max: 200, message: t('admin.accept.passwordLong') },
                ]}
              >
                <Input.Password
                  prefix={<LockOutlined />}
                  autoComplete="new-password"
                  data-testid="accept-password"
                />
              </Form.Item>
              <Form.Item
                name="confirm"
                label={t('admin.accept.confirm')}
                dependencies={['password']}
                rules={[
                  { required: true, message: t('admin.accept.confirmRequired') },
                  ({ getFieldValue }) => ({
                    validator: (_, value: string) =>
                      !value || value === getFieldValue('password')
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('admin.accept.mismatch'))),
                  }),
                ]}
              >
                <Input.Password
                  prefix={<LockOutlined />}
                  autoComplete="new-password"
                  data-testid="accept-confirm"
                />
              </Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                block
                loading={accept.isPending}
                data-testid="accept-submit"
              >
                {t('admin.accept.submit')}
              </Button>
            </Form>
          </>
        )}
      </Card>
    </div>
  );
}
