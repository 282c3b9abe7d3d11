/**
 * /training. Trainers, managers and admins assign published SOPs to new hires with a due
 * date and follow each hire's progress per SOP; everyone sees their own assignments and
 * opens practice from there.
 */
import { CheckCircleFilled, ReadOutlined, UserAddOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Grid,
  List,
  Progress as ProgressBar,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useLibrary } from '../../shared/api/library.ts';
import { useMe } from '../../shared/api/queries.ts';
import { loc } from '../../shared/format/words.ts';
import { currentLocale } from '../../shared/i18n/index.ts';
import '../../shared/sop/library.css';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { type Assignment, useAssign, useAssignments, useDirectory } from './api.ts';
import './training.css';

const TRAINERS = new Set(['admin', 'manager', 'trainer']);

function dateOnly(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms).toLocaleDateString(currentLocale() === 'en' ? 'en-GB' : 'zh-CN');
}

/** End of the chosen day in this device's zone. */
function endOfDay(value: string): number | null {
  if (!value) return null;
  const t = new Date(`${value}T23:59:59`).getTime();
  return Number.isFinite(t) ? t : null;
}

function PercentBar({ a }: { a: Assignment }) {
  return (
    <ProgressBar
      percent={a.progress.percent}
      size="small"
      status={a.progress.complete ? 'success' : a.overdue ? 'exception' : 'active'}
      data-testid={`assignment-percent-${a.user.email}-${a.sop.sopId}`}
      data-percent={a.progress.percent}
    />
  );
}

function QuizCell({ a }: { a: Assignment }) {
  const { t } = useTranslation();
  const p = a.progress;
  if (p.quizPassed)
    return (
      <Tag color="green" icon={<CheckCircleFilled />}>
        {t('training.quiz.passedTag', { score: p.quizBestScore ?? 0 })}
      </Tag>
    );
  if (p.quizAttempts)
    return (
      <Tag color="orange">
        {t('training.quiz.triedTag', { count: p.quizAttempts, score: p.quizBestScore ?? 0 })}
      </Tag>
    );
  return <Typography.Text type="secondary">{t('training.quiz.notYet')}</Typography.Text>;
}

function DueCell({ a }: { a: Assignment }) {
  const { t } = useTranslation();
  return (
    <Space size={4}>
      <span>{dateOnly(a.dueAt)}</span>
      {a.overdue && <Tag color="red">{t('training.overdue')}</Tag>}
      {a.progress.complete && <Tag color="green">{t('training.complete')}</Tag>}
    </Space>
  );
}

function AssignForm({ initialSop }: { initialSop: string | undefined }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ sopId: string; userIds: string[]; due: Dayjs | null }>();
  const library = useLibrary('', undefined);
  const users = useDirectory(true);
  const assign = useAssign();
  const people = (users.data?.items ?? []).filter((u) => u.active !== false);
  return (
    <Card
      size="small"
      title={t('training.assign.title')}
      className="tr-card"
      data-testid="assign-card"
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ sopId: initialSop, userIds: [], due: null }}
        onFinish={(v) =>
          assign.mutate(
            {
              sopId: v.sopId,
              userIds: v.userIds,
              dueAt: endOfDay(v.due ? v.due.format('YYYY-MM-DD') : ''),
            },
            {
              onSuccess: (r) => {
                void message.success(t('training.assign.done', { count: r.items.length }));
                form.setFieldsValue({ userIds: [] });
              },
            },
          )
        }
      >
        <div className="tr-assign-grid">
          <Form.Item
            name="sopId"
            label={t('training.assign.sop')}
            rules={[{ required: true, message: t('training.assign.sopRequired') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="assign-sop"
              placeholder={t('training.assign.sopPlaceholder')}
              loading={library.isPending}
              options={(library.data?.sops ?? []).map((s) => ({
                value: s.id,
                label: `${loc(s.name, s.id)} · v${s.version}`,
              }))}
            />
          </Form.Item>
          <Form.Item
            name="userIds"
            label={t('training.assign.people')}
            rules={[{ required: true, message: t('training.assign.peopleRequired') }]}
          >
            <Select
              mode="multiple"
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="assign-users"
              placeholder={t('training.assign.peoplePlaceholder')}
              loading={users.isPending}
              options={people.map((u) => ({
                value: u.id,
                label: `${u.name} · ${u.email}`,
              }))}
            />
          </Form.Item>
          <Form.Item name="due" label={t('training.assign.due')}>
            {/* the app's date format (2026-12-09), not the browser's native 12/09/2026 */}
            <DatePicker
              format="YYYY-MM-DD"
              className="tr-due"
              placeholder={t('training.assign.duePlaceholder')}
              data-testid="assign-due"
            />
          </Form.Item>
        </div>
        <Button
          type="primary"
          htmlType="submit"
          icon={<UserAddOutlined />}
          loading={assign.isPending}
          data-testid="assign-submit"
        >
          {t('training.assign.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function ProgressTable({ items, phone }: { items: Assignment[]; phone: boolean }) {
  const { t } = useTranslation();
  if (!items.length) return <Empty description={t('training.noAssignments')} />;
  if (phone) {
    return (
      <List
        dataSource={items}
        data-testid="progress-list"
        renderItem={(a) => (
          <List.Item key={a.id} data-testid={`assignment-row-${a.user.email}-${a.sop.sopId}`}>
            <div className="tr-row-phone">
              <div className="tr-row-top">
                <Link to={`/training/${encodeURIComponent(a.id)}`}>
                  <Typography.Text strong>{a.user.name}</Typography.Text>
                </Link>
                <Typography.Text type="secondary">{loc(a.sop.name)}</Typography.Text>
              </div>
              <PercentBar a={a} />
              <div className="tr-row-meta">
                <span>
                  {t('training.pathsOf', {
                    walked: a.progress.pathsWalked,
                    total: a.progress.pathsTotal,
                  })}
                </span>
                <QuizCell a={a} />
                <DueCell a={a} />
              </div>
            </div>
          </List.Item>
        )}
      />
    );
  }
  return (
    <Table<Assignment>
      rowKey="id"
      size="small"
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="progress-table"
      onRow={(a) => ({ 'data-testid': `assignment-row-${a.user.email}-${a.sop.sopId}` }) as never}
      columns={[
        {
          title: t('training.col.hire'),
          key: 'hire',
          render: (_, a) => (
            <div>
              <Link
                to={`/training/${encodeURIComponent(a.id)}`}
                data-testid={`assignment-open-${a.id}`}
              >
                {a.user.name}
              </Link>
              <Typography.Text type="secondary" className="tr-small">
                {a.user.email}
              </Typography.Text>
            </div>
          ),
        },
        {
          title: t('training.col.sop'),
          key: 'sop',
          render: (_, a) => `${loc(a.sop.name, a.sop.sopId)} · v${a.sop.version}`,
        },
        {
          title: t('training.col.paths'),
          key: 'paths',
          render: (_, a) =>
            t('training.pathsOf', { walked: a.progress.pathsWalked, total: a.progress.pathsTotal }),
        },
        { title: t('training.col.quiz'), key: 'quiz', render: (_, a) => <QuizCell a={a} /> },
        {
          title: t('training.col.progress'),
          key: 'pct',
          width: 180,
          render: (_, a) => <PercentBar a={a} />,
        },
        { title: t('training.col.due'), key: 'due', render: (_, a) => <DueCell a={a} /> },
      ]}
    />
  );
}

function MyAssignments({ items }: { items: Assignment[] }) {
  const { t } = useTranslation();
  if (!items.length) return <Empty description={t('training.mineEmpty')} />;
  return (
    <div className="tr-mine" data-testid="my-assignments">
      {items.map((a) => (
        <Card
          key={a.id}
          size="small"
          className="tr-card"
          data-testid={`my-assignment-${a.sop.sopId}`}
        >
          <div className="tr-mine-head">
            <Typography.Text strong>{loc(a.sop.name, a.sop.sopId)}</Typography.Text>
            <DueCell a={a} />
          </div>
          <PercentBar a={a} />
          <div className="tr-row-meta">
            <span>
              {t('training.pathsOf', {
                walked: a.progress.pathsWalked,
                total: a.progress.pathsTotal,
              })}
            </span>
            <QuizCell a={a} />
          </div>
          <Link
            to={`/training/${encodeURIComponent(a.id)}`}
            data-testid={`open-practice-${a.sop.sopId}`}
          >
            <Button type="primary" icon={<ReadOutlined />} block className="tr-open">
              {a.progress.complete
                ? t('training.review')
                : a.progress.pathsWalked || a.progress.quizAttempts
                  ? t('training.continue')
                  : t('training.start')}
            </Button>
          </Link>
        </Card>
      ))}
    </div>
  );
}

export function TrainingPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const sopFilter = params.get('sopId') ?? undefined;
  const screens = Grid.useBreakpoint();
  const list = useAssignments();
  const user = me.data;
  if (!user || list.isPending) return <PageSpinner />;
  const items = list.data?.items ?? [];
  const trainer = TRAINERS.has(user.role);
  const mine = items.filter((a) => a.user.id === user.id);
  const shown = sopFilter ? items.filter((a) => a.sop.sopId === sopFilter) : items;
  const sops = [...new Map(items.map((a) => [a.sop.sopId, a.sop])).values()];
  return (
    <div className="page" data-testid="training-page">
      <div className="page-head">
        <div>
          <Typography.Title level={2}>{t('training.title')}</Typography.Title>
          <Typography.Text type="secondary">
            {trainer ? t('training.subtitleTrainer') : t('training.subtitleHire')}
          </Typography.Text>
        </div>
      </div>
      {trainer && (
        <>
          <AssignForm initialSop={sopFilter} />
          <Card
            size="small"
            className="tr-card"
            title={t('training.progressTitle')}
            extra={
              sops.length > 1 && (
                <Select
                  allowClear
                  size="small"
                  className="tr-filter"
                  placeholder={t('training.filterSop')}
                  value={sopFilter}
                  onChange={(v: string | undefined) => {
                    const p = new URLSearchParams(params);
                    if (v) p.set('sopId', v);
                    else p.delete('sopId');
                    setParams(p, { replace: true });
                  }}
                  options={sops.map((s) => ({ value: s.sopId, label: loc(s.name, s.sopId) }))}
                />
              )
            }
          >
            <ProgressTable items={shown} phone={!screens.md} />
          </Card>
        </>
      )}
      {(!trainer || mine.length > 0) && (
        <section className="tr-section">
          <Typography.Title level={4}>{t('training.mine')}</Typography.Title>
          <MyAssignments items={mine} />
        </section>
      )}
    </div>
  );
}
