/** The simulator's controls (start or reset, copy a live record, act as a role) and the banner of a copied record. */
import { CopyOutlined, PlayCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import type { Actor, RecordState } from '@closeloop/engine';
import { Alert, Button, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Sim } from '../sim-machine.ts';

type ToolbarProps = {
  sim: Sim;
  busy: boolean;
  onStart: () => void;
  onToggleClone: () => void;
  onRole: (role: Actor['role']) => void;
};

export function SimToolbar({ sim, busy, onStart, onToggleClone, onRole }: ToolbarProps) {
  const { t } = useTranslation();
  const record = sim.record;
  return (
    <Space wrap style={{ marginBottom: 8 }}>
      <Button
        type="primary"
        icon={record ? <ReloadOutlined /> : <PlayCircleOutlined />}
        onClick={onStart}
        loading={busy}
        data-testid="sim-start"
      >
        {record ? t('simulator.reset') : t('simulator.start')}
      </Button>
      <Button
        icon={<CopyOutlined />}
        onClick={onToggleClone}
        disabled={busy}
        data-testid="sim-clone-open"
      >
        {t('simulator.clone.open')}
      </Button>
      <Select<Actor['role']>
        value={sim.role}
        onChange={onRole}
        options={(['rep', 'manager', 'trainer', 'admin'] as const).map((r) => ({
          value: r,
          label: `${t('simulator.asRole')}: ${t(`app.roles.${r}`)}`,
        }))}
        style={{ width: 150 }}
        data-testid="sim-role"
      />
    </Space>
  );
}

export type CloneNotes = { dropped: string[]; pastRungs: number };

type BannerProps = { sim: Sim; record: RecordState | null; cloneNotes: CloneNotes | null };

export function CloneBanner({ sim, record, cloneNotes }: BannerProps) {
  const { t } = useTranslation();
  if (!sim.clone) return null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="sim-clone-banner"
      style={{ marginBottom: 8 }}
      title={t('simulator.clone.banner', {
        label: sim.clone.label,
        version: sim.clone.sopVersion,
      })}
      description={
        <>
          {cloneNotes?.dropped.length ? (
            <div>{t('simulator.clone.dropped', { fields: cloneNotes.dropped.join(', ') })}</div>
          ) : null}
          {cloneNotes?.pastRungs ? (
            <div>{t('simulator.clone.pastRungs', { count: cloneNotes.pastRungs })}</div>
          ) : null}
          {record && record.status !== 'open' ? (
            <div>{t('simulator.clone.closed', { status: record.status })}</div>
          ) : null}
        </>
      }
    />
  );
}
