/**
 * What the record page derives from its data once: field definitions and stages by id, and the
 * names it shows for people, stages and actions.
 */
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type RecordPage as RecordPageData,
  stageMetaOf,
  stateNodeOf,
  useSopDocument,
  useUsers,
} from './api.ts';
import { actionLabelsOf, stagePath } from './format.ts';

/** How the page names what it shows: stages by path, people by name, actions by label. */
export type Names = {
  stageTitle: (id: string) => string;
  userName: (id: string | null | undefined) => string;
  actionLabel: (a: string) => string;
};

export function useRecordBasics({ record, sop, stages }: RecordPageData) {
  const users = useUsers();
  const defs = useMemo(() => new Map(sop.fields.map((f) => [f.key, f])), [sop.fields]);
  const stageById = useMemo(() => new Map(stages.map((s) => [s.id, s])), [stages]);
  const metaOf = useCallback((id: string) => stageMetaOf(stageById.get(id)?.meta), [stageById]);
  const userList = users.data ?? [];
  const userName = useUserName(userList);
  const stageTitle = useCallback((id: string) => stagePath(stages, id), [stages]);
  const { rawMachine, actionLabel } = useSopMachine(record.sopId, record.sopVersion);
  const names: Names = { stageTitle, userName, actionLabel };
  return { defs, stageById, metaOf, userList, names, rawMachine };
}
/** Who did it, for the history and the owner tag: people by name, the system and API tokens by role. */
function useUserName(userList: Array<{ id: string; name: string }>) {
  const { t } = useTranslation();
  return useCallback(
    (id: string | null | undefined) => {
      if (!id) return t('rep.nobody');
      if (id === 'system') return t('rep.history.system');
      // commands sent by an integration carry the token's id (see docs/access-control.md)
      if (id.startsWith('token:')) return t('rep.history.apiToken');
      return userList.find((u) => u.id === id)?.name ?? id.slice(0, 8);
    },
    [userList, t],
  );
}

/** The record's SOP version as the engine sees it, for the step bar and the actions' labels. */
function useSopMachine(sopId: string, version: number) {
  const rawDoc = useSopDocument(sopId, version);
  const rawMachine =
    rawDoc.data && typeof rawDoc.data === 'object' && 'machine' in rawDoc.data
      ? stateNodeOf(rawDoc.data.machine)
      : null;
  // recomputed each render: cheap, and follows a language switch
  const labels = actionLabelsOf(rawMachine?.states);
  const actionLabel = (a: string) => labels.get(a) ?? a;
  return { rawMachine, actionLabel };
}
