/** Import and export of SOP JSON and XState JSON (Stately Studio) for the open SOP. */
import { checkSop, exportXState, importXState, type SopDocument } from '@closeloop/engine';
import { App } from 'antd';
import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { autoLayout } from '../../shared/graph/layout.ts';
import { sopToGraph } from '../../shared/graph/sop-graph.ts';
import { currentLocale } from '../../shared/i18n/index.ts';
import type { EditorStore } from './store.ts';

function download(name: string, data: unknown) {
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function useImportExport(store: EditorStore) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const ref = useRef<HTMLInputElement>(null);
  const mode = useRef<'sop' | 'xstate'>('sop');

  /** Loads a document into the editor (undoable), keeping this SOP's id and version. */
  const load = useCallback(
    async (doc: SopDocument) => {
      const s = store.getState();
      const { graph, needsLayout } = sopToGraph({ ...doc, id: s.meta.id, version: s.meta.version });
      if (needsLayout) graph.nodes = await autoLayout(graph.nodes, graph.edges);
      store.actions.replace(graph);
    },
    [store],
  );

  const onFile = useCallback(
    async (file: File) => {
      const lang = currentLocale();
      let json: unknown;
      try {
        json = JSON.parse(await file.text());
      } catch (e) {
        void message.error(`${t('editor.importFailed')}: ${e instanceof Error ? e.message : ''}`);
        return;
      }
      if (mode.current === 'xstate') {
        try {
          const { doc, dropped } = importXState(json);
          await load({ ...doc, name: store.getState().meta.name });
          if (dropped.length) {
            modal.info({ title: t('editor.imported'), content: dropped.join('\n') });
          } else void message.success(t('editor.imported'));
        } catch (e) {
          void message.error(`${t('editor.importFailed')}: ${e instanceof Error ? e.message : ''}`);
        }
        return;
      }
      const r = checkSop(json);
      if (!r.doc) {
        modal.error({
          title: t('editor.importFailed'),
          content: r.problems
            .slice(0, 10)
            .map((p) => `${p.path}: ${p.message[lang]}`)
            .join('\n'),
        });
        return;
      }
      await load(r.doc);
      void message.success(t('editor.imported'));
    },
    [load, message, modal, store, t],
  );

  const input = (
    <input
      ref={ref}
      type="file"
      accept="application/json,.json"
      hidden
      data-testid="import-input"
      onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) void onFile(f);
        e.target.value = '';
      }}
    />
  );

  return {
    input,
    pick(kind: 'sop' | 'xstate') {
      mode.current = kind;
      ref.current?.click();
    },
    exportSop() {
      const doc = store.toDocument();
      download(`${doc.id}.sop.json`, doc);
    },
    exportXState() {
      const doc = store.toDocument();
      download(`${doc.id}.xstate.json`, exportXState(doc));
    },
  };
}
