/**
 * The edit sheet of /customers/:customerId (owner, their manager, admins): name, kind,
 * region, industry, source and contacts. A problem's field errors show beside their fields;
 * a contact's phone or e-mail another rep's customer has shows the 撞单 refusal with its
 * one-tap requests. A bottom sheet on a phone, a side drawer on a laptop.
 */
import { App, Button, Drawer, Form, Grid, Input, Radio, Space } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod/mini';
import { ApiError, errorMessage } from '../../shared/api/client.ts';
import {
  CustomerTakenAlert,
  customerTakenOf,
  type Taken,
} from '../../shared/ui/customer-taken-alert.tsx';
import { type CustomerDetail, type CustomerEdit, useUpdateCustomer } from './api.ts';

type ContactValues = { id?: string; name?: string; phone?: string; email?: string };
type Values = {
  name: string;
  kind: 'company' | 'person';
  region?: string;
  industry?: string;
  source?: string;
  contacts: ContactValues[];
};

const FieldErrors = z.array(
  z.object({
    path: z.string(),
    message: z.union([z.string(), z.object({ 'zh-CN': z.string(), en: z.string() })]),
  }),
);

const orNull = (s: string | undefined) => (s?.trim() ? s.trim() : null);

export function CustomerEditSheet({
  detail,
  open,
  onClose,
}: {
  detail: CustomerDetail;
  open: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const update = useUpdateCustomer();
  const [taken, setTaken] = useState<Taken | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const sent = useRef<number[]>([]);
  const c = detail.customer;
  const initial: Values = {
    name: c.name,
    kind: c.kind,
    region: c.region ?? '',
    industry: c.industry ?? '',
    source: c.source ?? '',
    contacts: detail.contacts.map((p) => ({
      id: p.id,
      name: p.name ?? '',
      phone: p.phone ?? '',
      email: p.email ?? '',
    })),
  };

  const showErrors = (e: unknown) => {
    const hit = customerTakenOf(e);
    if (hit) return setTaken(hit);
    const parsed = e instanceof ApiError ? FieldErrors.safeParse(e.problem.errors) : null;
    if (!parsed?.success) return setFailure(errorMessage(e));
    type Fields = Parameters<typeof form.setFields>[0];
    form.setFields(
      parsed.data.map((x) => ({
        name: x.path
          .split('.')
          .map((p, k) =>
            /^\d+$/.test(p) ? (k === 1 ? (sent.current[Number(p)] ?? 0) : Number(p)) : p,
          ),
        errors: [
          typeof x.message === 'string'
            ? x.message
            : x.message[i18n.language === 'en' ? 'en' : 'zh-CN'],
        ],
      })) as Fields,
    );
  };

  const submit = (v: Values) => {
    setTaken(null);
    setFailure(null);
    // the server's field errors of the last try go; its answer brings the current ones
    form.setFields(
      form.getFieldsError().map((f) => ({ name: f.name, errors: [] })) as unknown as Parameters<
        typeof form.setFields
      >[0],
    );
    const before = new Map(detail.contacts.map((p) => [p.id, p]));
    // only new and changed contacts are sent; `rows` maps a sent index back to its form row
    const rows: number[] = [];
    const contacts = (v.contacts ?? []).flatMap((p, row) => {
      const out = {
        ...(p.id ? { id: p.id } : {}),
        name: orNull(p.name),
        phone: orNull(p.phone),
        email: orNull(p.email),
      };
      const was = p.id ? before.get(p.id) : undefined;
      const changed = was
        ? was.name !== out.name || was.phone !== out.phone || was.email !== out.email
        : !!(out.name || out.phone || out.email);
      if (!changed) return [];
      rows.push(row);
      return [out];
    });
    sent.current = rows;
    const body: CustomerEdit = {
      version: c.version,
      name: v.name.trim(),
      kind: v.kind,
      region: orNull(v.region),
      industry: orNull(v.industry),
      source: orNull(v.source),
      ...(contacts.length ? { contacts } : {}),
    };
    const onSuccess = () => {
      void message.success(t('customers.edit.saved'));
      onClose();
    };
    update.mutate({ id: c.id, body }, { onSuccess, onError: showErrors });
  };

  return (
    <Drawer
      open={open}
      onClose={update.isPending ? undefined : onClose}
      placement={screens.md ? 'right' : 'bottom'}
      size={screens.md ? 460 : '92%'}
      title={t('customers.edit.title')}
      destroyOnHidden
      footer={
        <EditFooter
          taken={taken}
          failure={failure}
          busy={update.isPending}
          onClose={onClose}
          onSave={() => form.submit()}
        />
      }
    >
      <Form form={form} layout="vertical" initialValues={initial} onFinish={submit}>
        <Form.Item
          name="name"
          label={t('customers.edit.name')}
          rules={[{ required: true, whitespace: true, message: t('customers.edit.nameRequired') }]}
        >
          <Input data-testid="customer-edit-name" maxLength={200} />
        </Form.Item>
        <Form.Item name="kind" label={t('customers.edit.kind')}>
          <Radio.Group optionType="button">
            <Radio value="company">{t('customers.edit.company')}</Radio>
            <Radio value="person">{t('customers.edit.person')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="region" label={t('customers.facet.region')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="industry" label={t('customers.facet.industry')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="source" label={t('customers.facet.source')}>
          <Input maxLength={100} />
        </Form.Item>
        <ContactsList />
      </Form>
    </Drawer>
  );
}

/** In the footer, so the refusal shows wherever the sheet is scrolled. */
function EditFooter({
  taken,
  failure,
  busy,
  onClose,
  onSave,
}: {
  taken: Taken | null;
  failure: string | null;
  busy: boolean;
  onClose: () => void;
  onSave: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div>
      {taken && <CustomerTakenAlert taken={taken} />}
      {failure && (
        <div className="cust-edit-failure" role="alert">
          {failure}
        </div>
      )}
      <Space className="cust-edit-footer">
        <Button onClick={onClose} disabled={busy}>
          {t('customers.edit.cancel')}
        </Button>
        <Button type="primary" loading={busy} onClick={onSave} data-testid="customer-save">
          {t('customers.edit.save')}
        </Button>
      </Space>
    </div>
  );
}

/** The contacts: a hidden id, name, phone and e-mail each, and a button to add one. */
function ContactsList() {
  const { t } = useTranslation();
  return (
    <Form.List name="contacts">
      {(fields, { add }) => (
        <div className="cust-edit-contacts">
          <div className="cust-edit-contacts-head">{t('customers.contacts')}</div>
          {fields.map((f) => (
            <div key={f.key} className="cust-edit-contact" data-testid="contact-row">
              <Form.Item name={[f.name, 'id']} hidden>
                <Input />
              </Form.Item>
              <Form.Item name={[f.name, 'name']} label={t('customers.edit.contactName')}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item name={[f.name, 'phone']} label={t('customers.edit.phone')}>
                <Input inputMode="tel" maxLength={50} data-testid="contact-phone" />
              </Form.Item>
              <Form.Item name={[f.name, 'email']} label={t('customers.edit.email')}>
                <Input inputMode="email" maxLength={320} data-testid="contact-email" />
              </Form.Item>
            </div>
          ))}
          <Button block onClick={() => add({})} data-testid="contact-add">
            {t('customers.edit.addContact')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}
