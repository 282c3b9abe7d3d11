import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../shared/api/client.ts';
import { useLogin, useMe } from '../shared/api/queries.ts';
import { homeFor } from '../shared/home.ts';
import { LanguageSwitch } from '../shared/ui/language-switch.tsx';

type LoginForm = { email: string; password: string };

/** Only same-app paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string | null {
  return next?.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const me = useMe();
  const login = useLogin();
  const next = safeNext(params.get('next'));

  if (me.data) return <Navigate to={next ?? homeFor(me.data.role)} replace />;

  const onFinish = (v: LoginForm) =>
    login.mutate(v, {
      onSuccess: async () => {
        const user = (await me.refetch()).data;
        navigate(next ?? homeFor(user?.role), { replace: true });
      },
    });

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <Card className="login-card">
        <Typography.Title level={3}>{t('login.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {login.isError && (
          <Alert
            type="error"
            showIcon
            title={signInError(login.error)}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form<LoginForm> layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item
            name="email"
            label={t('login.email')}
            rules={[{ required: true, message: t('login.emailRequired') }]}
          >
            <Input
              prefix={<MailOutlined />}
              autoComplete="username"
              inputMode="email"
              data-testid="login-email"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            block
            loading={login.isPending}
            data-testid="login-submit"
          >
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" className="login-hint">
          {t('login.demoHint')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}

/** A refused sign-in in the reader's language only (the title; the detail is for logs). */
function signInError(e: unknown): string {
  return e instanceof ApiError ? e.problem.title : errorMessage(e);
}
