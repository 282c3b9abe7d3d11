/**
 * /library: the built-in SOP templates and the workspace's published SOPs, searched by text
 * and tag. Each card opens a read-only preview; "use this template" copies it into a draft and
 * opens the editor.
 */
import {
  ApartmentOutlined,
  BranchesOutlined,
  ClockCircleOutlined,
  CopyOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import { Button, Card, Empty, Input, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { type LibraryItem, useCreateDraft, useLibrary } from '../../shared/api/library.ts';
import { useMe } from '../../shared/api/queries.ts';
import { loc } from '../../shared/format/words.ts';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import '../../shared/sop/library.css';
import { tagName } from './tags.ts';

const EDITORS = new Set(['admin', 'manager', 'trainer']);

export function previewPath(item: Pick<LibraryItem, 'kind' | 'id'>): string {
  return `/library/${item.kind === 'template' ? 'templates' : 'sops'}/${encodeURIComponent(item.id)}`;
}

/** Copies a template into a draft and opens it in the editor. */
export function UseTemplateButton({ templateId, block }: { templateId: string; block?: boolean }) {
  const { t } = useTranslation();
  const create = useCreateDraft();
  const navigate = useNavigate();
  return (
    <Button
      type="primary"
      icon={<CopyOutlined />}
      block={block}
      loading={create.isPending}
      data-testid={`use-template-${templateId}`}
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        create.mutate(templateId, {
          onSuccess: (r) => navigate(`/sops/${encodeURIComponent(r.sopId)}/edit`),
        });
      }}
    >
      {t('library.useTemplate')}
    </Button>
  );
}

function ItemCard({ item, canEdit }: { item: LibraryItem; canEdit: boolean }) {
  const { t } = useTranslation();
  return (
    <Link
      to={previewPath(item)}
      className="lib-card-link"
      data-testid={`library-card-${item.kind}-${item.id}`}
    >
      <Card size="small" hoverable className="lib-card">
        <div className="lib-card-head">
          <Typography.Text strong className="lib-card-title">
            {loc(item.name, item.id)}
          </Typography.Text>
          {item.kind === 'sop' && <Tag color="blue">v{item.version}</Tag>}
        </div>
        {item.description && (
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 3 }} className="lib-card-desc">
            {loc(item.description)}
          </Typography.Paragraph>
        )}
        <div className="lib-card-stats">
          <span>
            <ApartmentOutlined /> {t('library.stats.stages', { count: item.stageCount })}
          </span>
          <span>
            <BranchesOutlined />{' '}
            {item.pathCountExact === false
              ? t('library.stats.pathsAtLeast', { count: item.pathCount })
              : t('library.stats.paths', { count: item.pathCount })}
          </span>
          <span>
            <ClockCircleOutlined />{' '}
            {t('library.stats.escalations', { count: item.escalationCount })}
          </span>
        </div>
        <div className="lib-tags">
          {item.tags.map((tag) => (
            <Tag key={tag} bordered={false}>
              {tagName(t, tag)}
            </Tag>
          ))}
        </div>
        {canEdit && item.kind === 'template' && (
          <div className="lib-card-foot">
            <UseTemplateButton templateId={item.id} />
          </div>
        )}
      </Card>
    </Link>
  );
}

function Section({
  title,
  items,
  canEdit,
  empty,
  testId,
}: {
  title: string;
  items: LibraryItem[];
  canEdit: boolean;
  empty: string;
  testId: string;
}) {
  return (
    <section className="lib-section-block" data-testid={testId}>
      <Typography.Title level={4}>
        {title} <Typography.Text type="secondary">({items.length})</Typography.Text>
      </Typography.Title>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />
      ) : (
        <div className="lib-grid">
          {items.map((item) => (
            <ItemCard key={`${item.kind}-${item.id}`} item={item} canEdit={canEdit} />
          ))}
        </div>
      )}
    </section>
  );
}

export function LibraryPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? undefined;
  const [text, setText] = useState(q);
  const list = useLibrary(q, tag);
  const canEdit = EDITORS.has(me.data?.role ?? '');

  const update = (next: { q?: string; tag?: string | undefined }) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  };

  return (
    <div className="page" data-testid="library-page">
      <div className="page-head">
        <div>
          <Typography.Title level={2}>{t('library.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('library.subtitle')}</Typography.Text>
        </div>
      </div>
      <Space.Compact className="lib-search" block>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('library.search')}
          value={text}
          data-testid="library-search"
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value) update({ q: undefined });
          }}
          onPressEnter={() => update({ q: text.trim() })}
        />
        <Button data-testid="library-search-go" onClick={() => update({ q: text.trim() })}>
          {t('library.searchGo')}
        </Button>
      </Space.Compact>
      <div className="lib-tag-row" data-testid="library-tags">
        <Select
          allowClear
          placeholder={t('library.tag')}
          value={tag}
          className="lib-tag-select"
          data-testid="library-tag"
          onChange={(v: string | undefined) => update({ tag: v })}
          options={(list.data?.tags ?? []).map((x) => ({ value: x, label: tagName(t, x) }))}
        />
      </div>
      {list.isPending ? (
        <PageSpinner />
      ) : list.data ? (
        <>
          <Section
            title={t('library.templates')}
            items={list.data.templates}
            canEdit={canEdit}
            empty={t('library.noMatch')}
            testId="library-templates"
          />
          <Section
            title={t('library.workspace')}
            items={list.data.sops}
            canEdit={canEdit}
            empty={q || tag ? t('library.noMatch') : t('library.noPublished')}
            testId="library-sops"
          />
        </>
      ) : null}
    </div>
  );
}
