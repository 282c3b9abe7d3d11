/** Version history: every published version, loadable into the draft or republished (rollback). */
import { parseSop } from '@closeloop/engine';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Empty, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { fetchVersion, keys, publishSop, useVersions } from '../../shared/api/queries.ts';
import { formatTime } from '../../shared/format/time.ts';
import { autoLayout } from '../../shared/graph/layout.ts';
import { sopToGraph } from '../../shared/graph/sop-graph.ts';
import { testProps } from '../../shared/test-props.ts';
import { useEditorStore } from './store.ts';

export function HistoryDrawer({
  open,
  onClose,
  published,
  flush,
  onPublished,
}: {
  open: boolean;
  onClose: () => void;
  published: number | null;
  flush: () => Promise<void>;
  onPublished: (v: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const store = useEditorStore();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const sopId = store.getState().sopId;
  const versions = useVersions(sopId, open);

  /** Puts an old version into the draft (undoable); keeps the draft's version number. */
  const load = async (version: number) => {
    const r = await fetchVersion(qc, sopId, version);
    const parsed = parseSop(r.doc);
    if (!parsed.ok) throw new Error(parsed.problems[0]?.message.en ?? 'invalid');
    const s = store.getState();
    const { graph, needsLayout } = sopToGraph({ ...parsed.doc, version: s.meta.version });
    if (needsLayout) graph.nodes = await autoLayout(graph.nodes, graph.edges);
    store.actions.replace(graph);
  };

  const rollback = (version: number) =>
    modal.confirm({
      title: t('versions.rollbackConfirm', { version }),
      okButtonProps: testProps({}, 'rollback-confirm'),
      onOk: async () => {
        try {
          await load(version);
          await flush();
          const r = await publishSop(sopId, t('versions.rollbackNote', { version }));
          store.actions.setVersion(r.version);
          onPublished(r.version);
          void qc.invalidateQueries({ queryKey: keys.versions(sopId) });
          void message.success(t('versions.rolledBack', { version: r.version }));
        } catch (e) {
          void message.error(errorMessage(e));
        }
      },
    });

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('versions.title')}
      size={420}
      data-testid="history-drawer"
    >
      {versions.data?.length === 0 && <Empty description={t('versions.empty')} />}
      <Timeline
        items={(versions.data ?? []).map((v) => ({
          key: v.version,
          color: v.version === published ? 'green' : 'gray',
          content: (
            <div data-testid={`version-${v.version}`}>
              <Space>
                <Typography.Text strong>v{v.version}</Typography.Text>
                {v.version === published && <Tag color="green">{t('versions.current')}</Tag>}
                <Typography.Text type="secondary">
                  {formatTime(v.publishedAt, i18n.language)}
                </Typography.Text>
              </Space>
              {v.note && (
                <Typography.Paragraph style={{ margin: '4px 0' }}>{v.note}</Typography.Paragraph>
              )}
              <Space size={4}>
                <Button
                  size="small"
                  onClick={() =>
                    void load(v.version)
                      .then(() => message.success(t('versions.loaded', { version: v.version })))
                      .catch((e) => message.error(errorMessage(e)))
                  }
                >
                  {t('versions.load')}
                </Button>
                {v.version !== published && (
                  <Button
                    size="small"
                    onClick={() => rollback(v.version)}
                    data-testid={`rollback-${v.version}`}
                  >
                    {t('versions.rollback')}
                  </Button>
                )}
              </Space>
            </div>
          ),
        }))}
      />
    </Drawer>
  );
}
