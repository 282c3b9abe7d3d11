/** Quick capture's parts: its duplicate check, footer, SOP, contact fields, source and owner. */
import type { FieldDef } from '@closeloop/engine';
import { Button, Form, type FormInstance, Input, Select, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type DirectoryUser, type PublishedSop, useDuplicates } from './api.ts';
import type { CaptureMapping, CaptureSlot, CaptureValues } from './capture-mapping.ts';
import { isChinesePhone } from './engine-lite.ts';
import { loc } from './format.ts';

/** "Let the owner be chosen by the SOP's rule" in the owner select. */
export const AUTO = '__auto__';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** The records that share the phone, email or company being typed (while the drawer is open). */
export function useDuplicateMatches(values: CaptureValues, open: boolean) {
  // duplicate check as you type, debounced; only values worth comparing are sent
  const phone = values.phone?.trim() ?? '';
  const email = values.email?.trim() ?? '';
  const company = values.company?.trim() ?? '';
  const dupQuery = useDebounced(
    {
      ...(phone && isChinesePhone(phone) ? { phone } : {}),
      ...(email.includes('@') && email.length > 4 ? { email } : {}),
      ...(company.length >= 2 ? { company } : {}),
    },
    400,
  );
  const dups = useDuplicates(open ? dupQuery : {});
  return dups.data?.matches ?? [];
}

export function CaptureFooter({
  busy,
  disabled,
  duplicates,
  onClose,
  onSubmit,
}: {
  busy: boolean;
  disabled: boolean;
  /** Possible duplicates were found: the submit button warns. */
  duplicates: boolean;
  onClose: () => void;
  onSubmit: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="rep-sheet-footer">
      <Button onClick={onClose} disabled={busy}>
        {t('rep.cancel')}
      </Button>
      <Button
        type="primary"
        loading={busy}
        disabled={disabled}
        onClick={onSubmit}
        data-testid="capture-submit"
        danger={duplicates}
      >
        {duplicates ? t('rep.capture.submitAnyway') : t('rep.capture.submit')}
      </Button>
    </div>
  );
}

/** The SOP the record starts on, among those `offered`. */
export function SopField({
  loading,
  value,
  onChange,
  offered,
}: {
  loading: boolean;
  value: string | undefined;
  onChange: (sopId: string) => void;
  offered: PublishedSop[];
}) {
  const { t } = useTranslation();
  return (
    <Form.Item label={t('rep.capture.sop')}>
      {loading ? (
        <Skeleton.Input active block />
      ) : (
        <Select
          data-testid="capture-sop"
          value={value}
          onChange={onChange}
          options={offered.map((s) => ({
            value: s.sopId,
            label: <span data-testid={`capture-sop-${s.sopId}`}>{loc(s.name)}</span>,
          }))}
        />
      )}
    </Form.Item>
  );
}

/** Name, then phone, email and company where the SOP has them; a phone or an email is needed. */
export function ContactFields({
  form,
  mapping,
  errorFor,
}: {
  form: FormInstance<CaptureValues>;
  mapping: CaptureMapping;
  /** The server's complaint about a slot's field, if any. */
  errorFor: (slot: CaptureSlot) => string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="name"
        label={mapping.name ? loc(mapping.name.label) : t('rep.capture.name')}
        rules={[{ required: true, whitespace: true, message: t('rep.capture.nameRequired') }]}
        {...(errorFor('name') ? { validateStatus: 'error' as const, help: errorFor('name') } : {})}
      >
        <Input data-testid="capture-name" autoComplete="name" maxLength={100} />
      </Form.Item>
      {mapping.phone && (
        <Form.Item
          name="phone"
          label={mapping.phone ? loc(mapping.phone.label) : t('rep.capture.phone')}
          extra={t('rep.capture.phoneHint')}
          dependencies={['email']}
          rules={[
            {
              validator: async (_r, v: string | undefined) => {
                const s = v?.trim() ?? '';
                if (!s) {
                  if (!form.getFieldValue('email')?.trim() && mapping.email)
                    throw new Error(t('rep.capture.contactRequired'));
                  if (!mapping.email) throw new Error(t('rep.capture.phoneRequired'));
                  return;
                }
                if (!isChinesePhone(s)) throw new Error(t('rep.capture.phoneInvalid'));
              },
            },
          ]}
          {...(errorFor('phone')
            ? { validateStatus: 'error' as const, help: errorFor('phone') }
            : {})}
        >
          <Input
            data-testid="capture-phone"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            placeholder="138 0013 8000"
            maxLength={40}
          />
        </Form.Item>
      )}
      {mapping.email && (
        <Form.Item
          name="email"
          label={loc(mapping.email.label)}
          rules={[{ type: 'email', message: t('rep.capture.emailInvalid') }]}
        >
          <Input data-testid="capture-email" type="email" inputMode="email" maxLength={200} />
        </Form.Item>
      )}
      {mapping.company && (
        <Form.Item name="company" label={loc(mapping.company.label)}>
          <Input data-testid="capture-company" autoComplete="organization" maxLength={200} />
        </Form.Item>
      )}
    </>
  );
}

/** The lead's source: the SOP's options when its source field is a select, else free text. */
export function SourceField({ def }: { def: FieldDef | undefined }) {
  const { t } = useTranslation();
  return (
    <Form.Item name="source" label={def ? loc(def.label) : t('rep.capture.source')}>
      {def?.type === 'select' && def.options?.length ? (
        <Select
          data-testid="capture-source"
          allowClear
          options={def.options.map((o) => ({
            value: o.value,
            label: <span data-testid={`capture-source-${o.value}`}>{loc(o.label)}</span>,
          }))}
        />
      ) : (
        <Input
          data-testid="capture-source"
          maxLength={100}
          placeholder={t('rep.capture.sourceHint')}
        />
      )}
    </Form.Item>
  );
}

/** Who the record goes to (managers and admins): the SOP's rule, themselves or an active rep. */
export function OwnerField({
  value,
  onChange,
  users,
  meId,
}: {
  value: string;
  onChange: (owner: string) => void;
  users: DirectoryUser[];
  meId: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Form.Item label={t('rep.capture.owner')}>
      <Select
        data-testid="capture-owner"
        value={value}
        onChange={onChange}
        options={[
          { value: AUTO, label: t('rep.capture.ownerAuto') },
          ...users
            .filter((u) => u.active && (u.role === 'rep' || u.id === meId))
            .map((u) => ({
              value: u.id,
              label: u.id === meId ? t('rep.capture.ownerMe') : u.name,
            })),
        ]}
      />
    </Form.Item>
  );
}
