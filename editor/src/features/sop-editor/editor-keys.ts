import { App } from 'antd';
import { type Dispatch, type SetStateAction, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { StageKind } from '../../shared/graph/sop-graph.ts';
import { useEditorActions } from './store.ts';

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

type Handlers = {
  flush: () => Promise<unknown>;
  deleteSelection: () => void;
  addStage: (kind: StageKind) => unknown;
  layoutNow: () => Promise<void>;
  fitToView: () => Promise<void>;
  setHelp: Dispatch<SetStateAction<boolean>>;
};

export function useEditorKeys({
  flush,
  deleteSelection,
  addStage,
  layoutNow,
  fitToView,
  setHelp,
}: Handlers) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actions = useEditorActions();
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
      else if (mod && k === 's') void flush();
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
  }, [actions, addStage, deleteSelection, fitToView, layoutNow, message, flush, setHelp, t]);
}
