/** The editor's toolbar: back, the SOP's name and save status, and the tools (fewer on a phone). */
import {
  AlertOutlined,
  ApartmentOutlined,
  ArrowLeftOutlined,
  CloudUploadOutlined,
  CompressOutlined,
  DownOutlined,
  ExperimentOutlined,
  HistoryOutlined,
  MoreOutlined,
  PlusOutlined,
  QuestionCircleOutlined,
  RedoOutlined,
  SettingOutlined,
  SwapOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import { Badge, Button, Dropdown, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { StageKind } from '../../shared/graph/sop-graph.ts';
import type { useImportExport } from './import-export.tsx';
import type { PanelTab } from './side-panel.tsx';
import { useEditor, useEditorActions } from './store.ts';

function tool(
  title: string,
  icon: ReactNode,
  onClick: () => void,
  testid: string,
  disabled = false,
) {
  return (
    <Tooltip title={title}>
      <Button
        type="text"
        icon={icon}
        onClick={onClick}
        disabled={disabled}
        aria-label={title}
        data-testid={testid}
      />
    </Tooltip>
  );
}

const kinds: StageKind[] = ['stage', 'compound', 'parallel', 'final', 'history'];

export type ToolbarProps = {
  phone: boolean;
  saveStatus: string;
  layoutNow: () => Promise<void>;
  fitToView: () => Promise<void>;
  addStage: (kind: StageKind) => unknown;
  openTab: (tab: PanelTab) => void;
  setPanelOpen: (open: boolean) => void;
  setHistory: (open: boolean) => void;
  setHelp: (open: boolean) => void;
  setPublishing: (open: boolean) => void;
  io: ReturnType<typeof useImportExport>;
};

export function EditorToolbar(p: ToolbarProps) {
  const { t, i18n } = useTranslation();
  const { phone, addStage } = p;
  const actions = useEditorActions();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const name = useEditor((s) => s.meta.name);
  const save = { status: p.saveStatus };
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <div className="editor-toolbar" role="toolbar">
      <Link to="/sops" aria-label={t('editor.back')}>
        <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('editor.back')} />
      </Link>
      <div className="editor-title">
        <Typography.Text strong ellipsis data-testid="editor-sop-name">
          {name[lang] || name.en || name['zh-CN']}
        </Typography.Text>
        <span
          className={`save-status ${save.status}`}
          data-testid="save-status"
          data-status={save.status}
        >
          {save.status === 'saving'
            ? t('editor.saving')
            : save.status === 'dirty'
              ? t('editor.unsaved')
              : save.status === 'error'
                ? t('editor.saveFailed')
                : t('editor.saved')}
        </span>
      </div>
      <div className="editor-tools">
        {!phone && (
          <>
            {tool(
              `${t('editor.undo')} (Ctrl+Z)`,
              <UndoOutlined />,
              actions.undo,
              'editor-undo',
              !canUndo,
            )}
            {tool(
              `${t('editor.redo')} (Ctrl+Shift+Z)`,
              <RedoOutlined />,
              actions.redo,
              'editor-redo',
              !canRedo,
            )}
          </>
        )}
        <Dropdown
          trigger={['click']}
          menu={{
            items: kinds.map((k) => ({
              key: k,
              label: (
                <span data-testid={`add-${k}`}>
                  {t(`editor.kinds.${k}`)}
                  <Typography.Text type="secondary" className="menu-hint">
                    {t(`editor.kindHint.${k}`)}
                  </Typography.Text>
                </span>
              ),
              onClick: () => addStage(k),
            })),
          }}
        >
          <Button type="primary" icon={<PlusOutlined />} data-testid="editor-add">
            {!phone && t('editor.addStage')} <DownOutlined />
          </Button>
        </Dropdown>
        {phone ? <PhoneTools {...p} /> : <DesktopTools {...p} />}
        <Button
          type="primary"
          ghost
          icon={<CloudUploadOutlined />}
          onClick={() => p.setPublishing(true)}
          data-testid="editor-publish"
        >
          {!phone && t('editor.publish')}
        </Button>
      </div>
      {p.io.input}
    </div>
  );
}

function PhoneTools({ layoutNow, fitToView, openTab, setPanelOpen, setHistory, io }: ToolbarProps) {
  const { t } = useTranslation();
  const actions = useEditorActions();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const problemCount = useEditor((s) => s.problems.length);
  return (
    <>
      {tool(
        t('editor.simulate'),
        <ExperimentOutlined />,
        () => openTab('simulate'),
        'editor-simulate',
      )}
      {tool(
        t('editor.phonePanel'),
        <SettingOutlined />,
        () => setPanelOpen(true),
        'editor-panel-toggle',
      )}
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            {
              key: 'undo',
              label: t('editor.undo'),
              disabled: !canUndo,
              onClick: actions.undo,
            },
            {
              key: 'redo',
              label: t('editor.redo'),
              disabled: !canRedo,
              onClick: actions.redo,
            },
            { key: 'layout', label: t('editor.layout'), onClick: () => void layoutNow() },
            { key: 'fit', label: t('editor.fitView'), onClick: () => void fitToView() },
            {
              key: 'problems',
              label: `${t('editor.problems')} (${problemCount})`,
              onClick: () => openTab('problems'),
            },
            { key: 'history', label: t('editor.history'), onClick: () => setHistory(true) },
            { type: 'divider' },
            { key: 'is', label: t('editor.importSop'), onClick: () => io.pick('sop') },
            {
              key: 'ix',
              label: t('editor.importXState'),
              onClick: () => io.pick('xstate'),
            },
            { key: 'es', label: t('editor.exportSop'), onClick: io.exportSop },
            { key: 'ex', label: t('editor.exportXState'), onClick: io.exportXState },
          ],
        }}
      >
        <Button
          type="text"
          icon={<MoreOutlined />}
          aria-label={t('editor.more')}
          data-testid="editor-more"
        />
      </Dropdown>
    </>
  );
}

function DesktopTools({ layoutNow, fitToView, openTab, setHistory, setHelp, io }: ToolbarProps) {
  const { t } = useTranslation();
  const problemCount = useEditor((s) => s.problems.length);
  return (
    <>
      {tool(
        `${t('editor.layout')} (L)`,
        <ApartmentOutlined />,
        () => void layoutNow(),
        'editor-layout',
      )}
      {tool(
        `${t('editor.fitView')} (F)`,
        <CompressOutlined />,
        () => void fitToView(),
        'editor-fit',
      )}
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'is', label: t('editor.importSop'), onClick: () => io.pick('sop') },
            {
              key: 'ix',
              label: t('editor.importXState'),
              onClick: () => io.pick('xstate'),
            },
            { type: 'divider' },
            {
              key: 'es',
              label: <span data-testid="export-sop">{t('editor.exportSop')}</span>,
              onClick: io.exportSop,
            },
            { key: 'ex', label: t('editor.exportXState'), onClick: io.exportXState },
          ],
        }}
      >
        <Tooltip title={t('editor.importExport')}>
          <Button
            type="text"
            icon={<SwapOutlined />}
            aria-label={t('editor.importExport')}
            data-testid="editor-io"
          />
        </Tooltip>
      </Dropdown>
      <Tooltip title={t('editor.problems')}>
        <Button
          type="text"
          onClick={() => openTab('problems')}
          data-testid="editor-problems"
          aria-label={t('editor.problems')}
          icon={
            <Badge count={problemCount} size="small" offset={[4, -2]}>
              <AlertOutlined />
            </Badge>
          }
        />
      </Tooltip>
      {tool(
        t('editor.simulate'),
        <ExperimentOutlined />,
        () => openTab('simulate'),
        'editor-simulate',
      )}
      {tool(t('editor.history'), <HistoryOutlined />, () => setHistory(true), 'editor-history')}
      {tool(
        `${t('editor.help')} (?)`,
        <QuestionCircleOutlined />,
        () => setHelp(true),
        'editor-help',
      )}
    </>
  );
}
