/** A stage's checklist: items with a label in both languages. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { StageMeta } from '@closeloop/engine';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { LocalizedInput } from './localized-input.tsx';

export function ChecklistEditor({
  value,
  onChange,
}: {
  value: StageMeta['checklist'];
  onChange: (c: StageMeta['checklist']) => void;
}) {
  const { t } = useTranslation();
  const list = value ?? [];
  return (
    <div className="stack">
      {list.map((item, i) => (
        <div key={item.id} className="checklist-row" data-testid={`checklist-${i}`}>
          <LocalizedInput
            value={item.label}
            onChange={(label) =>
              onChange(
                list.map((x, j) =>
                  j === i ? { ...x, label: label ?? { 'zh-CN': '', en: '' } } : x,
                ),
              )
            }
            testid={`checklist-${i}`}
          />
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('editor.delete')}
            onClick={() => {
              const next = list.filter((_, j) => j !== i);
              onChange(next.length ? next : undefined);
            }}
          />
        </div>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid="checklist-add"
        onClick={() => {
          let n = list.length + 1;
          while (list.some((x) => x.id === `item${n}`)) n++;
          onChange([...list, { id: `item${n}`, label: { 'zh-CN': '', en: '' } }]);
        }}
      >
        {t('stage.addChecklist')}
      </Button>
    </div>
  );
}
