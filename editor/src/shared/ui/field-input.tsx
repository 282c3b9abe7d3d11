/**
 * One SOP field as an input, by its type. Phone-friendly: native date and time pickers,
 * numeric and tel keyboards. Values are the engine's FieldValue (datetimes as ISO 8601).
 */

import type { FieldDef, FieldValue } from '@closeloop/engine';
import { Checkbox, Input, InputNumber, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { loc } from '../format/words.ts';

/** ISO instant → the value of an <input type="datetime-local"> in this device's zone. */
export function toLocalInput(v: FieldValue | undefined): string {
  if (typeof v !== 'string' || !v) return '';
  const t = Date.parse(v);
  if (!Number.isFinite(t)) return '';
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromLocalInput(s: string): string | null {
  if (!s) return null;
  const t = new Date(s).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

export type FieldInputProps = {
  def: FieldDef;
  value: FieldValue | undefined;
  onChange: (v: FieldValue) => void;
  users?: Array<{ id: string; name: string }>;
  status?: 'error' | 'warning';
  disabled?: boolean;
  testId?: string;
};

export function FieldInput({
  def,
  value,
  onChange,
  users,
  status,
  disabled,
  testId,
}: FieldInputProps) {
  const { t } = useTranslation();
  const tid = testId ?? `field-${def.key}`;
  const common = { disabled, 'data-testid': tid, id: tid };
  const str = typeof value === 'string' ? value : '';
  const statusProp = status ? { status } : {};
  switch (def.type) {
    case 'longText':
      return (
        <Input.TextArea
          {...common}
          {...statusProp}
          value={str}
          autoSize={{ minRows: 2, maxRows: 8 }}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'number':
    case 'money':
      return (
        <InputNumber
          {...common}
          {...statusProp}
          style={{ width: '100%' }}
          inputMode="decimal"
          prefix={def.type === 'money' ? '¥' : undefined}
          min={def.type === 'money' ? 0 : undefined}
          value={typeof value === 'number' ? value : null}
          onChange={(v) => onChange(typeof v === 'number' ? v : null)}
        />
      );
    case 'date':
      return (
        <Input
          {...common}
          {...statusProp}
          type="date"
          value={str}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    case 'datetime':
      return (
        <Input
          {...common}
          {...statusProp}
          type="datetime-local"
          value={toLocalInput(value)}
          onChange={(e) => onChange(fromLocalInput(e.target.value))}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          {...statusProp}
          allowClear
          style={{ width: '100%' }}
          placeholder={t('rep.choose')}
          value={str || undefined}
          onChange={(v: string | undefined) => onChange(v ?? null)}
          options={(def.options ?? []).map((o) => ({
            value: o.value,
            label: <span data-testid={`${tid}-option-${o.value}`}>{loc(o.label)}</span>,
          }))}
        />
      );
    case 'multiSelect':
      return (
        <Checkbox.Group
          disabled={disabled}
          data-testid={tid}
          value={Array.isArray(value) ? value : []}
          onChange={(v) => onChange(v.map(String))}
          options={(def.options ?? []).map((o) => ({ value: o.value, label: loc(o.label) }))}
        />
      );
    case 'boolean':
      return (
        <Switch
          disabled={disabled}
          data-testid={tid}
          id={tid}
          checked={value === true}
          checkedChildren={t('rep.yes')}
          unCheckedChildren={t('rep.no')}
          onChange={(v) => onChange(v)}
        />
      );
    case 'user':
      return (
        <Select
          {...common}
          {...statusProp}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: '100%' }}
          value={str || undefined}
          onChange={(v: string | undefined) => onChange(v ?? null)}
          options={(users ?? []).map((u) => ({ value: u.id, label: u.name }))}
        />
      );
    case 'phone':
      return (
        <Input
          {...common}
          {...statusProp}
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={str}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'email':
      return (
        <Input
          {...common}
          {...statusProp}
          type="email"
          inputMode="email"
          value={str}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'url':
      return (
        <Input
          {...common}
          {...statusProp}
          inputMode="url"
          value={str}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    default:
      return (
        <Input {...common} {...statusProp} value={str} onChange={(e) => onChange(e.target.value)} />
      );
  }
}

/** The value to send: empty strings become null so "clearing" is explicit. */
export function cleanValue(def: FieldDef | undefined, v: FieldValue): FieldValue {
  if (typeof v === 'string') {
    const s = v.trim();
    if (!s) return null;
    return def?.type === 'longText' ? v : s;
  }
  return v;
}
