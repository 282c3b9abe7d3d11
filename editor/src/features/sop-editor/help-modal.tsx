import { Descriptions, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl';

/** Lists the keyboard shortcuts; `?` toggles it. */
export function HelpModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: Array<[string, string]> = [
    [`${mod}+Z`, t('help.undo')],
    [`${mod}+Shift+Z / ${mod}+Y`, t('help.redo')],
    [`${mod}+C`, t('help.copy')],
    [`${mod}+V`, t('help.paste')],
    ['Delete / Backspace', t('help.delete')],
    ['N', t('help.newStage')],
    ['L', t('help.layout')],
    ['F', t('help.fit')],
    [`${mod}+S`, t('help.save')],
    ['?', t('help.help')],
  ];
  return (
    <Modal
      open={open}
      onCancel={onClose}
      footer={null}
      title={t('help.title')}
      data-testid="help-modal"
    >
      <Descriptions
        column={1}
        size="small"
        bordered
        items={rows.map(([k, v]) => ({
          key: k,
          label: <Typography.Text keyboard>{k}</Typography.Text>,
          children: v,
        }))}
      />
      <ul className="help-tips">
        <li>{t('help.connect')}</li>
        <li>{t('help.reparent')}</li>
        <li>{t('help.multi')}</li>
      </ul>
    </Modal>
  );
}
