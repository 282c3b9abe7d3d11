/**
 * How a handoff shows outside its panel: a badge on the action's edge naming the SOP it
 * starts, and the simulator's line for each handoff an action yields.
 */
import { NodeExpandOutlined } from '@ant-design/icons';
import type { Effect } from '@closeloop/engine';
import { useTranslation } from 'react-i18next';
import { useSopName } from './handoff-targets.ts';

const useLang = () => (useTranslation().i18n.language === 'en' ? 'en' : 'zh-CN');

export function HandoffBadge({ sopId }: { sopId: string }) {
  const { t } = useTranslation();
  const sop = useSopName(sopId, useLang());
  return (
    <span
      className="edge-handoff"
      title={t('handoff.badge', { sop })}
      data-testid={`edge-handoff-${sopId}`}
    >
      <NodeExpandOutlined className="edge-icon" /> {sop}
    </span>
  );
}

function HandoffLine({ sopId }: { sopId: string }) {
  const { t } = useTranslation();
  const sop = useSopName(sopId, useLang());
  return (
    <div className="trace-notify" data-testid="sim-handoff">
      {t('handoff.simStarts', { sop })}
    </div>
  );
}

/** One line per handoff effect of a simulated step. */
export function HandoffLines({ effects }: { effects: readonly Effect[] }) {
  return (
    <>
      {effects.map((f) =>
        f.type === 'handoff' ? <HandoffLine key={f.recordId} sopId={f.sopId} /> : null,
      )}
    </>
  );
}
