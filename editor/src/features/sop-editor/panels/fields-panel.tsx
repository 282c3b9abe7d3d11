/** The SOP's fields: key, type, labels, options. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { type FieldDef, FieldType } from '@closeloop/engine';
import { Button, Card, Checkbox, Empty, Input, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useEditor, useEditorActions } from '../store.ts';
import { LocalizedInput } from './localized-input.tsx';

/** Every field type the SOP schema knows, in its order. */
const TYPES: readonly FieldType[] = FieldType.options;

export function FieldsPanel() {
  const { t } = useTranslation();
  const fields = useEditor((s) => s.meta.fields);
  const actions = useEditorActions();
  const setField = (i: number, f: FieldDef, tag = `field:${i}`) =>
    actions.setMeta((m) => ({ ...m, fields: m.fields.map((x, j) => (j === i ? f : x)) }), tag);
  const remove = (i: number) =>
    actions.setMeta((m) => ({ ...m, fields: m.fields.filter((_, j) => j !== i) }));
  const add = () => {
    let n = fields.length + 1;
    while (fields.some((f) => f.key === `field${n}`)) n++;
    actions.setMeta((m) => ({
      ...m,
      fields: [
        ...m.fields,
        { key: `field${n}`, type: 'text', label: { 'zh-CN': `字段${n}`, en: `Field ${n}` } },
      ],
    }));
  };
  return (
    <div className="panel-form" data-testid="fields-panel">
      <div className="panel-head">
        <Typography.Text strong>{t('fields.title')}</Typography.Text>
        <Button
          size="small"
          type="primary"
          icon={<PlusOutlined />}
          onClick={add}
          data-testid="field-add"
          style={{ marginLeft: 'auto' }}
        >
          {t('fields.add')}
        </Button>
      </div>
      {fields.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fields.empty')} />
      )}
      {fields.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the key itself is editable
        <Card key={i} size="small" className="field-card" data-testid={`field-${i}`}>
          <Space wrap size={4}>
            <Input
              value={f.key}
              onChange={(e) =>
                setField(i, { ...f, key: e.target.value.replace(/[^A-Za-z0-9_]/g, '') })
              }
              placeholder={t('fields.key')}
              style={{ width: 130 }}
              data-testid={`field-${i}-key`}
            />
            <Select<FieldType>
              value={f.type}
              onChange={(type) => {
                const { options: _o, ...rest } = f;
                const needs = type === 'select' || type === 'multiSelect';
                setField(
                  i,
                  needs ? { ...rest, type, options: f.options ?? [] } : { ...rest, type },
                );
              }}
              options={TYPES.map((x) => ({ value: x, label: t(`fields.types.${x}`) }))}
              style={{ width: 120 }}
              data-testid={`field-${i}-type`}
            />
            <Checkbox
              checked={f.capture === true}
              onChange={(e) => {
                const { capture: _c, ...rest } = f;
                setField(i, e.target.checked ? { ...rest, capture: true } : rest);
              }}
            >
              {t('fields.capture')}
            </Checkbox>
            <Button
              size="small"
              type="text"
              danger
              icon={<DeleteOutlined />}
              onClick={() => remove(i)}
              aria-label={t('fields.remove')}
            />
          </Space>
          <LocalizedInput
            value={f.label}
            onChange={(label) => setField(i, { ...f, label: label ?? { 'zh-CN': '', en: '' } })}
            testid={`field-${i}-label`}
          />
          {(f.type === 'select' || f.type === 'multiSelect') && (
            <div className="stack options">
              <Typography.Text type="secondary">{t('fields.options')}</Typography.Text>
              {(f.options ?? []).map((o, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: option values are editable
                <Space key={j} align="start" size={4}>
                  <Input
                    value={o.value}
                    style={{ width: 100 }}
                    onChange={(e) =>
                      setField(i, {
                        ...f,
                        options: (f.options ?? []).map((x, k) =>
                          k === j ? { ...x, value: e.target.value } : x,
                        ),
                      })
                    }
                  />
                  <LocalizedInput
                    value={o.label}
                    onChange={(label) =>
                      setField(i, {
                        ...f,
                        options: (f.options ?? []).map((x, k) =>
                          k === j ? { ...x, label: label ?? { 'zh-CN': '', en: '' } } : x,
                        ),
                      })
                    }
                  />
                  <Button
                    size="small"
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() =>
                      setField(i, { ...f, options: (f.options ?? []).filter((_, k) => k !== j) })
                    }
                  />
                </Space>
              ))}
              <Button
                size="small"
                icon={<PlusOutlined />}
                onClick={() => {
                  const n = (f.options?.length ?? 0) + 1;
                  setField(i, {
                    ...f,
                    options: [
                      ...(f.options ?? []),
                      { value: `option${n}`, label: { 'zh-CN': `选项${n}`, en: `Option ${n}` } },
                    ],
                  });
                }}
              >
                {t('fields.addOption')}
              </Button>
            </div>
          )}
        </Card>
      ))}
    </div>
  );
}
