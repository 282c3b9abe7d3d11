import { ReactFlowProvider } from '@xyflow/react';
import { Drawer, Grid } from 'antd';
import { type ReactNode, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StageKind } from '../../shared/graph/sop-graph.ts';
import { useAutosave } from './autosave.ts';
import { Canvas } from './canvas.tsx';
import { useCanvasView } from './canvas-view.ts';
import { useRequestDelete } from './delete-request.tsx';
import { useEditorKeys } from './editor-keys.ts';
import { EditorToolbar } from './editor-toolbar.tsx';
import { HelpModal } from './help-modal.tsx';
import { HistoryDrawer } from './history-drawer.tsx';
import { useImportExport } from './import-export.tsx';
import { PublishDialog } from './publish-dialog.tsx';
import { useRecordCounts } from './record-counts.ts';
import { type PanelTab, SidePanel } from './side-panel.tsx';
import { type EditorStore, EditorStoreContext, useEditorStore } from './store.ts';
import { useLiveValidation } from './validation.ts';

export type { PanelTab } from './side-panel.tsx';

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

function EditorShell({ initialPublished }: { initialPublished: number | null }) {
  const { t } = useTranslation();
  const store = useEditorStore();
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
  const view = useCanvasView(store);
  const { fitToView, layoutNow, layingOut } = view;

  const addStage = useCallback(
    (kind: StageKind) => {
      const id = view.addStage(kind);
      setTab('inspect');
      return id;
    },
    [view.addStage],
  );

  const deleteSelection = useCallback(() => {
    const s = store.getState();
    const nodeIds = s.nodes.filter((n) => n.selected).map((n) => n.id);
    const edgeIds = s.edges.filter((e) => e.selected).map((e) => e.id);
    requestDelete(nodeIds, edgeIds);
  }, [store, requestDelete]);

  useEditorKeys({ flush: save.flush, deleteSelection, addStage, layoutNow, fitToView, setHelp });

  const openTab = (next: PanelTab) => {
    setTab(next);
    if (phone) setPanelOpen(true);
  };

  const panel = (
    <SidePanel
      tab={tab}
      setTab={setTab}
      onDelete={requestDelete}
      onPickProblem={() => phone && setPanelOpen(false)}
    />
  );

  return (
    <div className="editor" data-testid="editor" data-layout={layingOut ? 'busy' : 'idle'}>
      <EditorToolbar
        phone={phone}
        saveStatus={save.status}
        layoutNow={layoutNow}
        fitToView={fitToView}
        addStage={addStage}
        openTab={openTab}
        setPanelOpen={setPanelOpen}
        setHistory={setHistory}
        setHelp={setHelp}
        setPublishing={setPublishing}
        io={io}
      />
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
      <OnceOpened open={help}>
        <HelpModal open={help} onClose={() => setHelp(false)} />
      </OnceOpened>
      <OnceOpened open={history}>
        <HistoryDrawer
          open={history}
          onClose={() => setHistory(false)}
          published={published}
          flush={save.flush}
          onPublished={setPublished}
        />
      </OnceOpened>
      <OnceOpened open={publishing}>
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
      </OnceOpened>
    </div>
  );
}

/**
 * Mounts a dialog the first time it opens, then keeps it (its closing animation, its state).
 * A closed antd modal or drawer still builds its tree and registers its styles: work the
 * editor's opening need not do for dialogs most visits never open.
 */
function OnceOpened({ open, children }: { open: boolean; children: ReactNode }) {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  return opened ? children : null;
}
