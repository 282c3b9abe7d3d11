/**
 * The editor workspace: toolbar, canvas and side panel around one store, plus the
 * background jobs (autosave, live validation) and keyboard shortcuts.
 */
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
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { App, Badge, Button, Drawer, Dropdown, Grid, Tabs, Tooltip, Typography } from 'antd';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { layoutGraph } from '../../shared/graph/layout.ts';
import type { ActionEdge, StageKind, StageNode } from '../../shared/graph/sop-graph.ts';
import { useAutosave } from './autosave.ts';
import { Canvas } from './canvas.tsx';
import { useRequestDelete } from './delete-request.tsx';
import { HelpModal } from './help-modal.tsx';
import { HistoryDrawer } from './history-drawer.tsx';
import { useImportExport } from './import-export.tsx';
import { FieldsPanel } from './panels/fields-panel.tsx';
import { Inspector } from './panels/inspector.tsx';
import { ProblemsPanel } from './panels/problems-panel.tsx';
import { PublishDialog } from './publish-dialog.tsx';
import { useRecordCounts } from './record-counts.ts';
import { Simulator } from './simulator.tsx';
import {
  type EditorStore,
  EditorStoreContext,
  useEditor,
  useEditorActions,
  useEditorStore,
} from './store.ts';
import { useLiveValidation } from './validation.ts';
import { openingViewport } from './zoom.ts';

export type PanelTab = 'inspect' | 'fields' | 'problems' | 'simulate';

export function Workspace({
  store,
  publishedVersion,
}: {
  store: EditorStore;
  publishedVersion: number | null;
}) {
  return (
    <EditorStoreContext.Provider value={store}>
      <ReactFlowProvider>
        <EditorShell initialPublished={publishedVersion} />
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return (
    tag === 'INPUT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    target.isContentEditable ||
    target.closest('.ant-select, .ant-modal, .ant-drawer-body') !== null
  );
}

function EditorShell({ initialPublished }: { initialPublished: number | null }) {
  const { t, i18n } = useTranslation();
  const store = useEditorStore();
  const actions = useEditorActions();
  const rf = useReactFlow<StageNode>();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [tab, setTab] = useState<PanelTab>('inspect');
  const [panelOpen, setPanelOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [history, setHistory] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [published, setPublished] = useState(initialPublished);
  const save = useAutosave(store);
  useLiveValidation(store);
  useRecordCounts(store);
  const requestDelete = useRequestDelete();
  const io = useImportExport(store);

  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const problemCount = useEditor((s) => s.problems.length);
  const name = useEditor((s) => s.meta.name);

  /** Fits the view once React Flow has the latest nodes (they arrive on the next render). */
  const fitToView = useCallback(
    (duration = 200) =>
      new Promise<void>((resolve) =>
        window.setTimeout(
          () => void rf.fitView({ padding: 0.15, maxZoom: 1, duration }).then(() => resolve()),
          60,
        ),
      ),
    [rf],
  );

  /** An action's label as the canvas shows it, so the layout leaves room for it. */
  const edgeText = useCallback(
    (e: ActionEdge) => {
      const l = e.data?.meta?.label;
      return (l && (i18n.language === 'en' ? l.en : l['zh-CN'])) || e.data?.event || '';
    },
    [i18n.language],
  );

  const [layingOut, setLayingOut] = useState(false);
  const layoutNow = useCallback(async () => {
    setLayingOut(true);
    try {
      const s = store.getState();
      const laid = await layoutGraph(s.nodes, s.edges, edgeText);
      actions.applyLayout(laid.nodes, laid.routes);
      await fitToView();
    } finally {
      setLayingOut(false);
    }
  }, [store, actions, fitToView, edgeText]);

  /** The view an SOP opens at: whole when legible, else its beginning (zoom.ts). */
  const openView = useCallback(
    () =>
      new Promise<void>((resolve) =>
        window.setTimeout(() => {
          const box = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
          const nodes = rf.getNodes();
          if (!box || nodes.length === 0) return resolve();
          const at = openingViewport(rf.getNodesBounds(nodes), box.width, box.height);
          void rf.setViewport(at).then(() => resolve());
        }, 60),
      ),
    [rf],
  );

  // a document without saved positions (an import, a library SOP) is laid out once, as a
  // view rather than an edit: opening it to look changes nothing
  const laidOut = useRef(false);
  useEffect(() => {
    if (laidOut.current || !store.needsLayout) return;
    laidOut.current = true;
    const s = store.getState();
    void layoutGraph(s.nodes, s.edges, edgeText).then((laid) => {
      store.actions.applyLayout(laid.nodes, laid.routes, { initial: true });
      void openView();
    });
  }, [store, openView, edgeText]);

  // the canvas gets its final width only once the side panel is laid out beside it: fit the
  // graph to that free area (not the whole window) while the manager has not moved it yet
  useEffect(() => {
    const el = document.querySelector('[data-testid="canvas"]');
    if (!el || store.needsLayout) return;
    const started = Date.now();
    let last = '';
    const ro = new ResizeObserver(([entry]) => {
      const box = entry?.contentRect;
      const size = box ? `${Math.round(box.width)}x${Math.round(box.height)}` : '';
      if (!size || size === last || Date.now() - started > 3000) return;
      last = size;
      void openView();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [store, openView]);

  const addStage = useCallback(
    (kind: StageKind) => {
      const el = document.querySelector('[data-testid="canvas"]');
      const box = el?.getBoundingClientRect();
      const center = box
        ? rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
        : { x: 0, y: 0 };
      const at = { x: Math.round(center.x - 100), y: Math.round(center.y - 36) };
      const id = actions.addStage(kind, undefined, at);
      setTab('inspect');
      return id;
    },
    [actions, rf],
  );

  const deleteSelection = useCallback(() => {
    const s = store.getState();
    const nodeIds = s.nodes.filter((n) => n.selected).map((n) => n.id);
    const edgeIds = s.edges.filter((e) => e.selected).map((e) => e.id);
    requestDelete(nodeIds, edgeIds);
  }, [store, requestDelete]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 'z' && !e.shiftKey) actions.undo();
      else if (mod && ((k === 'z' && e.shiftKey) || k === 'y')) actions.redo();
      else if (mod && k === 'c') {
        const n = actions.copy();
        if (n) void message.info(t('editor.copied', { count: n }));
      } else if (mod && k === 'v') actions.paste();
      else if (mod && k === 's') void save.flush();
      else if (mod) return;
      else if (k === 'delete' || k === 'backspace') deleteSelection();
      else if (k === 'n') addStage('stage');
      else if (k === 'l') void layoutNow();
      else if (k === 'f') void fitToView();
      else if (k === '?' || (k === '/' && e.shiftKey)) setHelp((h) => !h);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions, addStage, deleteSelection, fitToView, layoutNow, message, save, t]);

  const openTab = (next: PanelTab) => {
    setTab(next);
    if (phone) setPanelOpen(true);
  };

  const kinds: StageKind[] = ['stage', 'compound', 'parallel', 'final', 'history'];
  const tool = (
    title: string,
    icon: ReactNode,
    onClick: () => void,
    testid: string,
    disabled = false,
  ) => (
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

  const panel = (
    <Tabs
      className="side-tabs"
      activeKey={tab}
      onChange={(k) => setTab(k as PanelTab)}
      size="small"
      items={[
        {
          key: 'inspect',
          label: <span data-testid="tab-inspect">{t('editor.inspector')}</span>,
          children: <Inspector onDelete={requestDelete} />,
        },
        {
          key: 'fields',
          label: <span data-testid="tab-fields">{t('editor.fields')}</span>,
          children: <FieldsPanel />,
        },
        {
          key: 'problems',
          label: (
            <span data-testid="tab-problems">
              {t('editor.problems')} <Badge count={problemCount} size="small" />
            </span>
          ),
          children: <ProblemsPanel onPick={() => phone && setPanelOpen(false)} />,
        },
        {
          key: 'simulate',
          label: <span data-testid="tab-simulate">{t('editor.simulate')}</span>,
          children: <Simulator />,
          destroyOnHidden: false,
        },
      ]}
    />
  );

  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <div className="editor" data-testid="editor" data-layout={layingOut ? 'busy' : 'idle'}>
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
          {phone ? (
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
          ) : (
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
              {tool(
                t('editor.history'),
                <HistoryOutlined />,
                () => setHistory(true),
                'editor-history',
              )}
              {tool(
                `${t('editor.help')} (?)`,
                <QuestionCircleOutlined />,
                () => setHelp(true),
                'editor-help',
              )}
            </>
          )}
          <Button
            type="primary"
            ghost
            icon={<CloudUploadOutlined />}
            onClick={() => setPublishing(true)}
            data-testid="editor-publish"
          >
            {!phone && t('editor.publish')}
          </Button>
        </div>
        {io.input}
      </div>
      <div className="editor-body">
        <Canvas />
        {phone ? (
          <Drawer
            placement="bottom"
            size="72%"
            open={panelOpen}
            onClose={() => setPanelOpen(false)}
            title={t('editor.phonePanel')}
            styles={{ body: { padding: '0 12px 12px' } }}
            forceRender
          >
            {panel}
          </Drawer>
        ) : (
          <aside className="side-panel" data-testid="side-panel">
            {panel}
          </aside>
        )}
      </div>
      <HelpModal open={help} onClose={() => setHelp(false)} />
      <HistoryDrawer
        open={history}
        onClose={() => setHistory(false)}
        published={published}
        flush={save.flush}
        onPublished={setPublished}
      />
      <PublishDialog
        open={publishing}
        onClose={() => setPublishing(false)}
        published={published}
        flush={save.flush}
        onPublished={setPublished}
        onShowProblems={() => {
          setPublishing(false);
          openTab('problems');
        }}
      />
    </div>
  );
}
