/** The audit log's columns: when, who (folded under "when" on a phone), what, on what, detail, IP. */
import { Grid, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from './api.ts';
import { detailLines, type Names, targetText } from './audit-detail.ts';
import { actionLabel } from './audit-labels.ts';
import { formatDateTime } from './format.ts';

export function useAuditColumns(names: Names): ColumnsType<AuditEntry> {
  const { t, i18n } = useTranslation();
  const screens = Grid.useBreakpoint();
  const actor = (e: AuditEntry) => (
    <span>
      {e.actorName ?? e.actorId ?? '—'}
      {e.actorType !== 'user' && (
        <Tag className="admin-you">{t(`admin.audit.actorType.${e.actorType}`)}</Tag>
      )}
    </span>
  );

  return [
    {
      key: 'at',
      title: t('admin.audit.at'),
      width: 170,
      render: (_, e) =>
        screens.sm ? (
          formatDateTime(e.at, i18n.language)
        ) : (
          <div className="admin-small">
            {formatDateTime(e.at, i18n.language)}
            <br />
            {actor(e)}
          </div>
        ),
    },
    {
      key: 'actor',
      title: t('admin.audit.actor'),
      responsive: ['sm'],
      render: (_, e) => actor(e),
    },
    {
      key: 'action',
      title: t('admin.audit.action'),
      render: (_, e) => (
        <Tooltip title={e.action}>
          <span data-testid="audit-action" data-action={e.action}>
            {actionLabel(t, e.action)}
          </span>
        </Tooltip>
      ),
    },
    {
      key: 'target',
      title: t('admin.audit.target'),
      responsive: ['md'],
      render: (_, e) =>
        e.targetType ? (
          <Typography.Text className="admin-small" data-testid="audit-target">
            {targetText(t, names, e.targetType, e.targetId)}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    {
      key: 'detail',
      title: t('admin.audit.detail'),
      responsive: ['lg'],
      render: (_, e) => {
        const lines = detailLines(t, names, e.detail);
        return lines.length ? (
          <div className="admin-small admin-detail" data-testid="audit-detail">
            {lines.map((l) => (
              <div key={l.key} data-key={l.key}>
                {l.text}
              </div>
            ))}
          </div>
        ) : (
          '—'
        );
      },
    },
    { key: 'ip', title: t('admin.audit.ip'), responsive: ['lg'], render: (_, e) => e.ip ?? '—' },
  ];
}
