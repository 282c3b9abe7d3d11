/**
 * Deactivate a user (deactivateUser). When they own open records the admin says where the
 * records go — a named user or each record's team rule — and sees how many moved. The
 * server refuses a deactivation that would strand records (handover-required), so a record
 * assigned to them meanwhile brings the choice back instead of being lost.
 */
import { Alert, Form, Input, Modal, Radio, Result, Select, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import {
  type HandOverResult,
  type HandoverTo,
  isProblem,
  type UserSummary,
  useDeactivateUser,
  useOpenRecordCount,
} from './api.ts';
import { ErrorAlert } from './error-alert.tsx';
import { useStepFooter } from './step-footer.tsx';

type Choice = { to?: 'user' | 'team-rule'; userId?: string; reason?: string };

export function DeactivateModal({
  user,
  users,
  onClose,
}: {
  user: UserSummary | null;
  users: UserSummary[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Choice>();
  const to = Form.useWatch('to', form);
  const open = useOpenRecordCount(user?.id ?? null);
  const deactivate = useDeactivateUser();
  const [result, setResult] = useState<HandOverResult | null>(null);
  const [target, setTarget] = useState<string | null>(null);

  const close = () => {
    setResult(null);
    setTarget(null);
    deactivate.reset();
    form.resetFields();
    onClose();
  };

  const refused = isProblem(deactivate.error, 'handover-required');
  const count = open.data?.count ?? 0;
  const needsTarget = count > 0 || refused;
  const candidates = users.filter((u) => u.active && u.id !== user?.id && u.role !== 'trainer');

  const submit = (v: Choice) => {
    if (!user) return;
    const handoverTo: HandoverTo | undefined =
      v.to === 'team-rule'
        ? 'team-rule'
        : v.to === 'user' && v.userId
          ? { userId: v.userId }
          : undefined;
    setTarget(v.to === 'user' ? (users.find((u) => u.id === v.userId)?.name ?? null) : null);
    deactivate.mutate(
      {
        userId: user.id,
        ...(handoverTo ? { handoverTo } : {}),
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
      },
      {
        onSuccess: setResult,
        onError: (e) => {
          if (isProblem(e, 'handover-required')) void open.refetch();
        },
      },
    );
  };

  const moved = result?.moved.length ?? 0;

  const footer = useStepFooter({
    done: !!result,
    close,
    submit: {
      label: t('admin.deactivate.confirm'),
      onClick: () => form.submit(),
      loading: deactivate.isPending,
      disabled: open.isPending,
      danger: true,
      testId: 'deactivate-confirm',
    },
    finish: { label: t('admin.done'), testId: 'deactivate-done' },
  });
  return (
    <Modal
      open={user !== null}
      title={t('admin.deactivate.title', { name: user?.name ?? '' })}
      onCancel={close}
      destroyOnHidden
      footer={footer}
    >
      {result ? (
        <DeactivateResult name={user?.name ?? ''} moved={moved} target={target} />
      ) : (
        <Form<Choice> form={form} layout="vertical" requiredMark={false} onFinish={submit}>
          <Typography.Paragraph>{t('admin.deactivate.intro')}</Typography.Paragraph>
          <OpenCount open={open} loading={open.isPending && !!user} />
          {deactivate.isError && (
            <ErrorAlert
              title={t('admin.deactivate.failed')}
              error={deactivate.error}
              testId="deactivate-error"
            />
          )}
          {(needsTarget || open.isError) && (
            <HandoverFields required={needsTarget} to={to} candidates={candidates} users={users} />
          )}
          <Form.Item name="reason" label={t('admin.deactivate.reason')}>
            <Input
              maxLength={500}
              placeholder={t('admin.deactivate.reasonHint')}
              data-testid="deactivate-reason"
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

function DeactivateResult({
  name,
  moved,
  target,
}: {
  name: string;
  moved: number;
  /** The user the records went to; null when each went by its team rule. */
  target: string | null;
}) {
  const { t } = useTranslation();
  return (
    <Result
      status="success"
      title={t('admin.deactivate.done', { name })}
      subTitle={
        <span data-testid="deactivate-result">
          {moved === 0
            ? t('admin.deactivate.movedNone')
            : target
              ? t('admin.deactivate.movedTo', { count: moved, name: target })
              : t('admin.deactivate.movedRule', { count: moved })}
        </span>
      }
      extra={<span data-testid="deactivate-moved" data-count={moved} />}
    />
  );
}

/** How many open records the user owns, or why that is not known. */
function OpenCount({
  open,
  loading,
}: {
  open: ReturnType<typeof useOpenRecordCount>;
  loading: boolean;
}) {
  const { t } = useTranslation();
  const count = open.data?.count ?? 0;
  if (loading) return <Spin />;
  if (open.isError) {
    return (
      <Alert
        type="warning"
        showIcon
        title={t('admin.deactivate.countFailed')}
        description={errorMessage(open.error)}
        className="admin-alert"
      />
    );
  }
  return (
    <Typography.Paragraph strong data-testid="deactivate-open-count" data-count={count}>
      {count === 0
        ? t('admin.deactivate.noRecords')
        : open.data?.more
          ? t('admin.deactivate.openMore', { count })
          : t('admin.deactivate.open', { count })}
    </Typography.Paragraph>
  );
}

/** Where the records go: a named user (picked from `candidates`) or each record's team rule. */
function HandoverFields({
  required,
  to,
  candidates,
  users,
}: {
  required: boolean;
  to: Choice['to'];
  candidates: UserSummary[];
  users: UserSummary[];
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="to"
        label={t('admin.deactivate.where')}
        rules={[{ required, message: t('admin.deactivate.whereRequired') }]}
      >
        <Radio.Group>
          <Space orientation="vertical">
            <Radio value="user" data-testid="deactivate-to-user">
              {t('admin.deactivate.toUser')}
            </Radio>
            <Radio value="team-rule" data-testid="deactivate-to-rule">
              {t('admin.deactivate.toRule')}
            </Radio>
          </Space>
        </Radio.Group>
      </Form.Item>
      {to === 'user' && (
        <Form.Item
          name="userId"
          label={t('admin.deactivate.toWhom')}
          rules={[{ required: true, message: t('admin.deactivate.toWhomRequired') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="deactivate-user"
            options={candidates.map((u) => ({
              value: u.id,
              label: `${u.name} · ${u.email}`,
            }))}
            optionRender={(o) => (
              <span data-testid={`deactivate-user-${users.find((u) => u.id === o.value)?.email}`}>
                {o.label}
              </span>
            )}
          />
        </Form.Item>
      )}
    </>
  );
}
