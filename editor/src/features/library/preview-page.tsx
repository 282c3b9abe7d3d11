/**
 * /library/templates/:id and /library/sops/:id: one SOP read-only — its diagram, and every
 * stage's guidance beside it. Clicking a stage in the diagram opens its guidance.
 */
import { ArrowLeftOutlined, EditOutlined, ReadOutlined } from '@ant-design/icons';
import { parseSop } from '@closeloop/engine';
import { Alert, Button, Grid, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useLibraryItem } from '../../shared/api/library.ts';
import { useMe } from '../../shared/api/queries.ts';
import { loc } from '../../shared/format/words.ts';
import { SopDiagram } from '../../shared/sop/sop-diagram.tsx';
import { StageGuideList } from '../../shared/sop/stage-guidance.tsx';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { UseTemplateButton } from './library-page.tsx';
import '../../shared/sop/library.css';
import { tagName } from './tags.ts';

const EDITORS = new Set(['admin', 'manager', 'trainer']);

function Preview({ kind }: { kind: 'template' | 'sop' }) {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const me = useMe();
  const item = useLibraryItem(kind, id);
  const screens = Grid.useBreakpoint();
  const [open, setOpen] = useState<string | null>(null);
  const parsed = useMemo(() => (item.data ? parseSop(item.data.doc) : null), [item.data]);
  const role = me.data?.role ?? '';

  if (item.isPending) return <PageSpinner />;
  if (item.isError || !item.data) {
    return (
      <div className="page">
        <Alert type="error" showIcon title={t('library.notFound')} />
        <Link to="/library">{t('library.back')}</Link>
      </div>
    );
  }
  if (!parsed?.ok) return <Alert type="error" showIcon title={t('library.invalid')} />;
  const doc = parsed.doc;
  const info = item.data.item;
  return (
    <div className="page lib-preview" data-testid="library-preview">
      <Link to="/library" className="lib-back" data-testid="library-back">
        <ArrowLeftOutlined /> {t('library.back')}
      </Link>
      <div className="page-head">
        <div className="lib-preview-title">
          <Typography.Title level={2} data-testid="library-preview-title">
            {loc(doc.name, doc.id)}
          </Typography.Title>
          <Space wrap size={4}>
            <Tag color={kind === 'template' ? 'gold' : 'blue'}>
              {kind === 'template'
                ? t('library.kindTemplate')
                : t('library.kindSop', { version: info.version })}
            </Tag>
            {info.tags.map((tag) => (
              <Tag key={tag} bordered={false}>
                {tagName(t, tag)}
              </Tag>
            ))}
          </Space>
        </div>
        <Space wrap>
          {kind === 'template' && EDITORS.has(role) && <UseTemplateButton templateId={info.id} />}
          {kind === 'sop' && EDITORS.has(role) && (
            <Link to={`/sops/${encodeURIComponent(info.id)}/edit`}>
              <Button icon={<EditOutlined />} data-testid="open-in-editor">
                {t('library.openEditor')}
              </Button>
            </Link>
          )}
          {kind === 'sop' && EDITORS.has(role) && (
            <Link to={`/training?sopId=${encodeURIComponent(info.id)}`}>
              <Button icon={<ReadOutlined />} data-testid="assign-from-library">
                {t('library.assign')}
              </Button>
            </Link>
          )}
        </Space>
      </div>
      {doc.description && (
        <Typography.Paragraph className="lib-description">
          {loc(doc.description)}
        </Typography.Paragraph>
      )}
      <div className="lib-preview-body">
        <div className="lib-preview-diagram">
          <SopDiagram
            doc={doc}
            selected={open}
            onSelect={(sid) => {
              setOpen(sid);
              // the guidance sits below the diagram: show the stage just opened
              requestAnimationFrame(() =>
                document
                  .querySelector(`[data-testid="guide-head-${CSS.escape(sid)}"]`)
                  ?.scrollIntoView({ behavior: 'smooth', block: 'start' }),
              );
            }}
            height={screens.md ? 460 : 340}
          />
          <Typography.Text type="secondary" className="lib-hint">
            {t('library.diagramHint')}
          </Typography.Text>
        </div>
        <div className="lib-preview-guides">
          <Typography.Title level={4}>{t('library.guides')}</Typography.Title>
          <StageGuideList doc={doc} open={open} onOpen={setOpen} />
        </div>
      </div>
    </div>
  );
}

export function TemplatePreviewPage() {
  return <Preview kind="template" />;
}

export function SopPreviewPage() {
  return <Preview kind="sop" />;
}
