/**
 * /sops/:sopId/edit — loads the draft, validates it with the engine, and hands it to the
 * editor workspace. This module and everything it imports (React Flow, the engine) form
 * the lazily loaded editor chunk.
 */
import '@xyflow/react/dist/style.css';
import './editor.css';
import { parseSop } from '@closeloop/engine';
import { useQuery } from '@tanstack/react-query';
import { Button, Result, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { errorMessage, http, ok } from '../../shared/api/client.ts';
import { keys } from '../../shared/api/queries.ts';
import { currentLocale } from '../../shared/i18n/index.ts';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { createEditorStore } from './store.ts';
import { Workspace } from './workspace.tsx';

export function EditorPage() {
  const { t } = useTranslation();
  const { sopId = '' } = useParams();
  const q = useQuery({
    queryKey: keys.sop(sopId),
    queryFn: ({ signal }) => ok(http.GET('/sops/{sopId}', { params: { path: { sopId } }, signal })),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    meta: { silent: true },
  });

  const loaded = useMemo(() => {
    if (!q.data) return null;
    const parsed = parseSop(q.data.draft);
    if (!parsed.ok) return { ok: false as const, problems: parsed.problems };
    return {
      ok: true as const,
      store: createEditorStore(sopId, parsed.doc),
      publishedVersion: q.data.publishedVersion ?? null,
    };
  }, [q.data, sopId]);

  useEffect(() => {
    document.title = `${sopId} · Closeloop`;
    return () => {
      document.title = 'Closeloop';
    };
  }, [sopId]);

  if (q.isPending) return <PageSpinner />;
  if (q.isError) {
    return (
      <Result
        status="error"
        title={t('editor.loadFailed')}
        subTitle={errorMessage(q.error)}
        extra={
          <Link to="/sops">
            <Button>{t('editor.back')}</Button>
          </Link>
        }
      />
    );
  }
  if (!loaded) return <PageSpinner />;
  if (!loaded.ok) {
    const lang = currentLocale();
    return (
      <Result
        status="warning"
        title={t('editor.invalidDraft')}
        extra={
          <Link to="/sops">
            <Button>{t('editor.back')}</Button>
          </Link>
        }
      >
        {loaded.problems.slice(0, 20).map((p) => (
          <Typography.Paragraph key={`${p.path}-${p.code}`} code>
            {p.path}: {p.message[lang]}
          </Typography.Paragraph>
        ))}
      </Result>
    );
  }
  return <Workspace key={sopId} store={loaded.store} publishedVersion={loaded.publishedVersion} />;
}
