/** /sops: every SOP in the workspace, with create, import and open. */
import { ImportOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { type SopSummary, useCreateSop, useMe, useSops } from '../../shared/api/queries.ts';
import { formatTime } from '../../shared/format/time.ts';
import { blankSop } from '../../shared/graph/sop-graph.ts';
import { loc } from '../../shared/loc.ts';
import { testProps } from '../../shared/test-props.ts';

type NewSopForm = { id: string; nameZh: string; nameEn: string };

export function SopListPage() {
  const { t } = useTranslation();
  const sops = useSops();
  const me = useMe();
  // trainers see no live customer data, so record counts mean nothing to them
  const columns = useSopColumns(me.data?.role !== 'trainer');
  const create = useCreateSop();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const onImport = async (file: File) => {
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      void message.error(t('sops.importInvalid'));
      return;
    }
    const id =
      typeof doc === 'object' && doc && 'id' in doc && typeof doc.id === 'string' ? doc.id : null;
    if (!id) {
      void message.error(t('sops.importInvalid'));
      return;
    }
    create.mutate(doc as Record<string, unknown>, {
      onSuccess: () => navigate(`/sops/${encodeURIComponent(id)}/edit`),
    });
  };

  return (
    <div className="page" data-testid="sop-list-page">
      <div className="page-head">
        <div>
          <Typography.Title level={2}>{t('sops.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('sops.subtitle')}</Typography.Text>
        </div>
        <Space wrap>
          <Button icon={<ImportOutlined />} onClick={() => fileRef.current?.click()}>
            {t('sops.import')}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setOpen(true)}
            data-testid="sop-new"
          >
            {t('sops.new')}
          </Button>
        </Space>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void onImport(f);
            e.target.value = '';
          }}
        />
      </div>
      <Table<SopSummary>
        rowKey="sopId"
        loading={sops.isPending}
        dataSource={sops.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: sops.isError ? errorMessage(sops.error) : t('sops.empty') }}
        data-testid="sop-table"
        onRow={(r) =>
          ({ 'data-testid': `sop-row-${r.sopId}` }) as React.HTMLAttributes<HTMLElement>
        }
        columns={columns}
      />
      <NewSopModal open={open} onClose={() => setOpen(false)} create={create} />
    </div>
  );
}

function useSopColumns(showCounts: boolean): ColumnsType<SopSummary> {
  const { t, i18n } = useTranslation();
  return [
    {
      title: t('sops.name'),
      key: 'name',
      render: (_, r) => (
        <Link to={`/sops/${encodeURIComponent(r.sopId)}/edit`}>
          <Typography.Text strong>{loc(r.name, '', i18n.language)}</Typography.Text>
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.sopId}
          </Typography.Text>
        </Link>
      ),
    },
    {
      title: t('sops.published'),
      key: 'published',
      render: (_, r) =>
        r.publishedVersion ? (
          <Tag color="green">v{r.publishedVersion}</Tag>
        ) : (
          <Tag>{t('sops.notPublished')}</Tag>
        ),
    },
    {
      title: t('sops.draftUpdated'),
      key: 'draft',
      responsive: ['md'],
      render: (_, r) => formatTime(r.draftUpdatedAt, i18n.language),
    },
    ...(showCounts
      ? [
          {
            title: t('sops.records'),
            key: 'records',
            responsive: ['sm' as const],
            align: 'right' as const,
            render: (_: unknown, r: SopSummary) => r.recordCount ?? 0,
          },
        ]
      : []),
    {
      key: 'open',
      align: 'right',
      render: (_, r) => (
        <Link to={`/sops/${encodeURIComponent(r.sopId)}/edit`} data-testid={`sop-open-${r.sopId}`}>
          {t('sops.open')}
        </Link>
      ),
    },
  ];
}

/** A blank SOP from its id and names; saved, it opens in the editor. */
function NewSopModal({
  open,
  onClose,
  create,
}: {
  open: boolean;
  onClose: () => void;
  /** Shared with the import, which shows here as loading too. */
  create: ReturnType<typeof useCreateSop>;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewSopForm>();
  const onCreate = (v: NewSopForm) => {
    const doc = blankSop(v.id, { 'zh-CN': v.nameZh, en: v.nameEn || v.nameZh });
    create.mutate(doc as Record<string, unknown>, {
      onSuccess: () => {
        onClose();
        form.resetFields();
        void message.success(t('sops.created'));
        navigate(`/sops/${encodeURIComponent(v.id)}/edit`);
      },
    });
  };

  return (
    <Modal
      open={open}
      title={t('sops.new')}
      okText={t('sops.create')}
      cancelText={t('editor.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={testProps({}, 'sop-create-submit')}
      destroyOnHidden
    >
      <Form<NewSopForm> form={form} layout="vertical" onFinish={onCreate} preserve={false}>
        <Form.Item
          name="id"
          label={t('sops.id')}
          extra={t('sops.idHelp')}
          rules={[
            { required: true, message: t('sops.required') },
            { pattern: /^[a-z0-9][a-z0-9-]*$/, message: t('sops.idInvalid') },
            { max: 100 },
          ]}
        >
          <Input data-testid="sop-create-id" autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="nameZh"
          label={t('sops.nameZh')}
          rules={[{ required: true, message: t('sops.required') }]}
        >
          <Input data-testid="sop-create-name-zh" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('sops.nameEn')}>
          <Input data-testid="sop-create-name-en" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
