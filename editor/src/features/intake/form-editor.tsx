/**
 * Creating or changing a lead form: title, target SOP, fields mapped to the SOP's fields
 * (label in both languages, required), source, owner (else the SOP's owner rule), duplicate
 * policy, thank-you text; the hosted link and embed snippet to copy once saved.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Form as AntForm,
  App,
  Button,
  Drawer,
  Grid,
  Input,
  Radio,
  Select,
  Switch,
  Typography,
} from 'antd';
import type { FormInstance } from 'antd/es/form';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useUsers } from '../../shared/api/directory.ts';
import { useSops } from '../../shared/api/queries.ts';
import { loc } from '../../shared/loc.ts';
import { type FieldDef, type Form, type FormBody, useSaveForm, useSopFields } from './api.ts';
import { embedSnippet, hostedUrl } from './format.ts';

type Values = {
  titleZh: string;
  titleEn: string;
  sopId: string;
  source: string;
  ownerId?: string;
  duplicatePolicy: 'skip' | 'create';
  thankZh: string;
  thankEn: string;
  active: boolean;
  fields: Array<{ field: string; zh: string; en: string; required: boolean }>;
};

function valuesOf(f: Form | null): Partial<Values> {
  if (!f) return { duplicatePolicy: 'skip', active: true, fields: [] };
  return {
    titleZh: f.title['zh-CN'],
    titleEn: f.title.en,
    sopId: f.sopId,
    source: f.source,
    ...(f.ownerId ? { ownerId: f.ownerId } : {}),
    duplicatePolicy: f.duplicatePolicy,
    thankZh: f.thankYou['zh-CN'],
    thankEn: f.thankYou.en,
    active: f.active,
    fields: f.fields.map((x) => ({
      field: x.field,
      zh: x.label['zh-CN'],
      en: x.label.en,
      required: x.required,
    })),
  };
}

export function FormEditor({ form, onClose }: { form: Form | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [f] = AntForm.useForm<Values>();
  const sops = useSops();
  const published = (sops.data?.items ?? []).filter((s) => s.publishedVersion !== null);
  const sopId = AntForm.useWatch('sopId', f);
  const sop = published.find((s) => s.sopId === sopId);
  const defs = useSopFields(sopId, sop?.publishedVersion).data ?? [];
  const users = useUsers().data ?? [];
  const save = useSaveForm();
  const submit = async (v: Values) => {
    const body: FormBody = {
      sopId: v.sopId,
      title: { 'zh-CN': v.titleZh, en: v.titleEn || v.titleZh },
      fields: v.fields.map((x) => ({
        field: x.field,
        label: { 'zh-CN': x.zh, en: x.en || x.zh },
        required: !!x.required,
      })),
      source: v.source,
      ownerId: v.ownerId ?? null,
      duplicatePolicy: v.duplicatePolicy,
      thankYou: { 'zh-CN': v.thankZh, en: v.thankEn || v.thankZh },
      active: v.active,
    };
    try {
      await save.mutateAsync({ ...(form ? { id: form.id } : {}), body });
      message.success(t('intake.forms.saved'));
      onClose();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  return (
    <Drawer
      open
      onClose={onClose}
      width={screens.md ? 560 : '100%'}
      title={form ? t('intake.forms.editTitle') : t('intake.forms.newTitle')}
      data-testid="form-editor"
      extra={
        <Button
          type="primary"
          loading={save.isPending}
          onClick={() => f.submit()}
          data-testid="form-save"
        >
          {t('intake.forms.save')}
        </Button>
      }
    >
      {form && (
        <div style={{ marginBottom: 16 }}>
          <Typography.Text strong>{t('intake.forms.link')}</Typography.Text>
          <Typography.Paragraph className="intake-code" copyable>
            {hostedUrl(form.key)}
          </Typography.Paragraph>
          <Typography.Text strong>{t('intake.forms.embed')}</Typography.Text>
          <Typography.Paragraph className="intake-code" copyable data-testid="form-embed">
            {embedSnippet(form.key)}
          </Typography.Paragraph>
        </div>
      )}
      <AntForm form={f} layout="vertical" initialValues={valuesOf(form)} onFinish={submit}>
        <AntForm.Item name="titleZh" label={t('intake.forms.titleZh')} rules={[{ required: true }]}>
          <Input maxLength={200} data-testid="form-title-zh" />
        </AntForm.Item>
        <AntForm.Item name="titleEn" label={t('intake.forms.titleEn')}>
          <Input maxLength={200} />
        </AntForm.Item>
        <AntForm.Item name="sopId" label={t('intake.forms.sop')} rules={[{ required: true }]}>
          <Select
            options={published.map((s) => ({ value: s.sopId, label: loc(s.name, s.sopId) }))}
            data-testid="form-sop"
          />
        </AntForm.Item>
        <FormFieldsList form={f} defs={defs} sopChosen={!!sopId} />
        <AntForm.Item name="source" label={t('intake.forms.source')} rules={[{ required: true }]}>
          <Input
            maxLength={200}
            placeholder={t('intake.forms.sourcePlaceholder')}
            data-testid="form-source"
          />
        </AntForm.Item>
        <AntForm.Item
          name="ownerId"
          label={t('intake.forms.owner')}
          extra={t('intake.forms.ownerHelp')}
        >
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            options={users
              .filter((u) => u.role !== 'trainer')
              .map((u) => ({ value: u.id, label: u.name }))}
          />
        </AntForm.Item>
        <AntForm.Item name="duplicatePolicy" label={t('intake.forms.duplicatePolicy')}>
          <Radio.Group
            options={[
              { value: 'skip', label: t('intake.policy.skip') },
              { value: 'create', label: t('intake.policy.create') },
            ]}
          />
        </AntForm.Item>
        <AntForm.Item name="thankZh" label={t('intake.forms.thankZh')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} maxLength={500} data-testid="form-thanks-zh" />
        </AntForm.Item>
        <AntForm.Item name="thankEn" label={t('intake.forms.thankEn')}>
          <Input.TextArea rows={2} maxLength={500} />
        </AntForm.Item>
        <AntForm.Item name="active" label={t('intake.forms.active')} valuePropName="checked">
          <Switch />
        </AntForm.Item>
      </AntForm>
    </Drawer>
  );
}

/** The form's fields: each an SOP field with its label in both languages and required. */
function FormFieldsList({
  form: f,
  defs,
  sopChosen,
}: {
  form: FormInstance<Values>;
  defs: FieldDef[];
  sopChosen: boolean;
}) {
  const { t } = useTranslation();
  const label = (key: string) => loc(defs.find((d) => d.key === key)?.label, key);
  return (
    <AntForm.List name="fields">
      {(items, { add, remove }) => (
        <div className="form-fields">
          <Typography.Text strong>{t('intake.forms.fields')}</Typography.Text>
          {items.map((item) => (
            <div key={item.key} className="intake-row">
              <AntForm.Item name={[item.name, 'field']} rules={[{ required: true }]} noStyle>
                <Select
                  style={{ minWidth: 140 }}
                  placeholder={t('intake.forms.sopField')}
                  options={defs.map((d) => ({ value: d.key, label: loc(d.label, d.key) }))}
                  onChange={(k: string) => {
                    const rows = f.getFieldValue('fields') as Values['fields'];
                    const row = rows[item.name];
                    if (row && !row.zh) {
                      const d = defs.find((x) => x.key === k);
                      row.zh = d?.label['zh-CN'] ?? k;
                      row.en = d?.label.en ?? k;
                      f.setFieldValue('fields', [...rows]);
                    }
                  }}
                />
              </AntForm.Item>
              <AntForm.Item name={[item.name, 'zh']} rules={[{ required: true }]} noStyle>
                <Input placeholder={t('intake.forms.labelZh')} style={{ width: 120 }} />
              </AntForm.Item>
              <AntForm.Item name={[item.name, 'en']} noStyle>
                <Input placeholder={t('intake.forms.labelEn')} style={{ width: 120 }} />
              </AntForm.Item>
              <AntForm.Item name={[item.name, 'required']} valuePropName="checked" noStyle>
                <Switch
                  checkedChildren={t('intake.forms.required')}
                  unCheckedChildren={t('intake.forms.optional')}
                />
              </AntForm.Item>
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('intake.forms.removeField')}
                onClick={() => remove(item.name)}
              />
            </div>
          ))}
          <Button
            icon={<PlusOutlined />}
            disabled={!sopChosen}
            onClick={() => add({ field: undefined, zh: '', en: '', required: false })}
            data-testid="form-add-field"
            style={{ margin: '8px 0 16px' }}
          >
            {t('intake.forms.addField')}
          </Button>
          {items.length > 0 && (
            <Typography.Paragraph type="secondary">
              {t('intake.forms.mappedTo', {
                fields: (f.getFieldValue('fields') as Values['fields'])
                  .map((x) => (x?.field ? label(x.field) : '?'))
                  .join('、'),
              })}
            </Typography.Paragraph>
          )}
        </div>
      )}
    </AntForm.List>
  );
}
