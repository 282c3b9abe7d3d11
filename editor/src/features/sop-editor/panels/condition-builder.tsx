/**
 * A condition builder for json-rules-engine: nested all/any/not groups of
 * `{ fact, operator, value }` leaves, each with an optional zh-CN/en message.
 *
 * It knows nothing of SOPs: facts and operators come in as props, the value is plain
 * json-rules-engine condition JSON (plus `message`), so it can be lifted out as is.
 */
import { DeleteOutlined, MessageOutlined, PlusOutlined } from '@ant-design/icons';
import type { Condition, LeafCondition, LocalizedText, TopLevelCondition } from '@closeloop/engine';
import { Button, Checkbox, Input, InputNumber, Segmented, Select, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LocalizedInput } from './localized-input.tsx';

export type ValueKind = 'none' | 'bool' | 'number' | 'list' | 'pattern' | 'any';

export type FactOption = {
  value: string;
  label: string;
  /** The field type, to pick a value editor for `any`-kind operators. */
  type?: string;
  options?: Array<{ value: string; label: string }>;
};

export type OperatorOption = { value: string; label: string; valueKind: ValueKind };

type Ctx = { facts: FactOption[]; operators: OperatorOption[]; testid: string };

type Group = { all: Condition[] } | { any: Condition[] } | { not: Condition };

/**
 * The fact picker's options: value and label only. A fact's own `options` (a select field's
 * choices) must not reach antd's Select, which would read them as an option group and offer
 * the choices as facts.
 */
export function factChoices(
  facts: FactOption[],
  current: string,
): Array<{ value: string; label: string }> {
  const list = facts.map((f) => ({ value: f.value, label: f.label }));
  if (current && !facts.some((f) => f.value === current))
    list.push({ value: current, label: current });
  return list;
}

function isLeaf(c: Condition): c is LeafCondition {
  return 'fact' in c;
}

function withMessage<T extends object>(c: T, message: LocalizedText | undefined): T {
  const { message: _m, ...rest } = c as T & { message?: LocalizedText };
  return (message ? { ...rest, message } : rest) as T;
}

/** The value a new leaf starts with for an operator. */
export function defaultValue(kind: ValueKind, fact?: FactOption): unknown {
  switch (kind) {
    case 'none':
    case 'bool':
      return true;
    case 'number':
      return 0;
    case 'list':
      return [];
    case 'pattern':
      return '';
    case 'any':
      return fact?.type === 'boolean'
        ? true
        : fact?.type === 'number' || fact?.type === 'money'
          ? 0
          : '';
  }
}

function ValueEditor({
  leaf,
  onChange,
  ctx,
  testid,
}: {
  leaf: LeafCondition;
  onChange: (v: unknown) => void;
  ctx: Ctx;
  testid: string;
}) {
  const { t } = useTranslation();
  const op = ctx.operators.find((o) => o.value === leaf.operator);
  const fact = ctx.facts.find((f) => f.value === leaf.fact);
  const kind = op?.valueKind ?? 'any';
  if (kind === 'none' || kind === 'bool') return null;
  if (kind === 'number') {
    return (
      <InputNumber
        value={typeof leaf.value === 'number' ? leaf.value : Number(leaf.value) || 0}
        onChange={(n) => onChange(Number(n ?? 0))}
        data-testid={`${testid}-value`}
        style={{ width: 110 }}
      />
    );
  }
  if (kind === 'list') {
    const list = Array.isArray(leaf.value) ? leaf.value.map(String) : [];
    // a select field: tick its options, shown by label; the condition keeps the option keys
    if (fact?.options?.length) {
      const known = new Set(fact.options.map((o) => o.value));
      const unknown = list.filter((v) => !known.has(v));
      return (
        <Checkbox.Group
          className="cond-options"
          value={list}
          onChange={(v) => onChange(v.map(String))}
          options={[...fact.options, ...unknown.map((v) => ({ value: v, label: v }))]}
          data-testid={`${testid}-value`}
        />
      );
    }
    return (
      <Select
        mode="tags"
        value={list}
        onChange={(v: string[]) => onChange(v)}
        options={fact?.options}
        placeholder={t('condition.listHint')}
        tokenSeparators={[',', '，']}
        data-testid={`${testid}-value`}
        style={{ minWidth: 160 }}
      />
    );
  }
  if (kind === 'pattern') {
    return (
      <Input
        value={String(leaf.value ?? '')}
        placeholder={t('condition.pattern')}
        onChange={(e) => onChange(e.target.value)}
        data-testid={`${testid}-value`}
        style={{ width: 180, fontFamily: 'monospace' }}
      />
    );
  }
  if (fact?.options?.length) {
    return (
      <Select
        value={leaf.value === undefined ? undefined : String(leaf.value)}
        onChange={(v: string) => onChange(v)}
        options={fact.options}
        data-testid={`${testid}-value`}
        style={{ minWidth: 140 }}
      />
    );
  }
  if (fact?.type === 'boolean') {
    return (
      <Select
        value={leaf.value === true}
        onChange={(v: boolean) => onChange(v)}
        options={[
          { value: true, label: t('condition.valueTrue') },
          { value: false, label: t('condition.valueFalse') },
        ]}
        data-testid={`${testid}-value`}
        style={{ width: 90 }}
      />
    );
  }
  if (fact?.type === 'number' || fact?.type === 'money' || typeof leaf.value === 'number') {
    return (
      <InputNumber
        value={typeof leaf.value === 'number' ? leaf.value : Number(leaf.value) || 0}
        onChange={(n) => onChange(Number(n ?? 0))}
        data-testid={`${testid}-value`}
        style={{ width: 110 }}
      />
    );
  }
  return (
    <Input
      value={leaf.value === undefined || leaf.value === null ? '' : String(leaf.value)}
      onChange={(e) => onChange(e.target.value)}
      data-testid={`${testid}-value`}
      style={{ width: 160 }}
    />
  );
}

function LeafRow({
  leaf,
  onChange,
  onRemove,
  ctx,
  path,
}: {
  leaf: LeafCondition;
  onChange: (c: Condition) => void;
  onRemove: () => void;
  ctx: Ctx;
  path: string;
}) {
  const { t } = useTranslation();
  const [showMsg, setShowMsg] = useState(false);
  const testid = `${ctx.testid}-${path}`;
  const opKnown = ctx.operators.some((o) => o.value === leaf.operator);
  return (
    <div className="cond-leaf" data-testid={testid}>
      <Space wrap size={4}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          value={leaf.fact}
          onChange={(fact: string) => {
            const f = ctx.facts.find((x) => x.value === fact);
            const op = ctx.operators.find((o) => o.value === leaf.operator);
            onChange({ ...leaf, fact, value: defaultValue(op?.valueKind ?? 'any', f) });
          }}
          options={factChoices(ctx.facts, leaf.fact)}
          placeholder={t('condition.fact')}
          data-testid={`${testid}-fact`}
          style={{ minWidth: 130 }}
          popupMatchSelectWidth={false}
        />
        <Select
          value={leaf.operator}
          onChange={(operator: string) => {
            const op = ctx.operators.find((o) => o.value === operator);
            const f = ctx.facts.find((x) => x.value === leaf.fact);
            const prev = ctx.operators.find((o) => o.value === leaf.operator);
            const value =
              prev?.valueKind === op?.valueKind
                ? leaf.value
                : defaultValue(op?.valueKind ?? 'any', f);
            onChange({ ...leaf, operator, value });
          }}
          options={
            opKnown
              ? ctx.operators
              : [...ctx.operators, { value: leaf.operator, label: leaf.operator, valueKind: 'any' }]
          }
          placeholder={t('condition.operator')}
          data-testid={`${testid}-operator`}
          style={{ minWidth: 120 }}
          popupMatchSelectWidth={false}
        />
        <ValueEditor
          leaf={leaf}
          ctx={ctx}
          testid={testid}
          onChange={(value) => onChange({ ...leaf, value })}
        />
        <Tooltip title={t('condition.messageZh')}>
          <Button
            size="small"
            type={leaf.message ? 'link' : 'text'}
            icon={<MessageOutlined />}
            onClick={() => setShowMsg((s) => !s)}
            aria-label={t('condition.messageZh')}
            data-testid={`${testid}-message-toggle`}
          />
        </Tooltip>
        <Button
          size="small"
          type="text"
          danger
          icon={<DeleteOutlined />}
          onClick={onRemove}
          aria-label={t('condition.remove')}
          data-testid={`${testid}-remove`}
        />
      </Space>
      {showMsg && (
        <LocalizedInput
          value={leaf.message}
          onChange={(m) => onChange(withMessage(leaf, m))}
          testid={`${testid}-message`}
        />
      )}
    </div>
  );
}

function GroupBox({
  group,
  onChange,
  onRemove,
  ctx,
  path,
  top,
}: {
  group: Group;
  onChange: (g: Group) => void;
  onRemove?: () => void;
  ctx: Ctx;
  path: string;
  top?: boolean;
}) {
  const { t } = useTranslation();
  const mode: 'all' | 'any' | 'not' = 'all' in group ? 'all' : 'any' in group ? 'any' : 'not';
  const children: Condition[] =
    'all' in group ? group.all : 'any' in group ? group.any : [group.not];
  const message = (group as { message?: LocalizedText }).message;
  const rebuild = (m: 'all' | 'any' | 'not', list: Condition[]): Group => {
    const g: Group =
      m === 'not'
        ? {
            not: list[0] ?? {
              fact: ctx.facts[0]?.value ?? '',
              operator: 'isNotEmpty',
              value: true,
            },
          }
        : m === 'all'
          ? { all: list }
          : { any: list };
    return withMessage(g, message);
  };
  const setChild = (i: number, c: Condition) =>
    onChange(
      rebuild(
        mode,
        children.map((x, j) => (j === i ? c : x)),
      ),
    );
  const removeChild = (i: number) =>
    onChange(
      rebuild(
        mode,
        children.filter((_, j) => j !== i),
      ),
    );
  const firstFact = ctx.facts[0];
  const newLeaf = (): LeafCondition => ({
    fact: firstFact?.value ?? '',
    operator: 'isNotEmpty',
    value: true,
  });
  const testid = `${ctx.testid}-${path}`;
  return (
    <div className={`cond-group ${mode}${top ? ' top' : ''}`} data-testid={testid}>
      <div className="cond-group-head">
        <Segmented
          size="small"
          value={mode}
          onChange={(m) => onChange(rebuild(m as 'all' | 'any' | 'not', children))}
          options={[
            { value: 'all', label: t('condition.all') },
            { value: 'any', label: t('condition.any') },
            ...(top ? [] : [{ value: 'not', label: t('condition.not') }]),
          ]}
          data-testid={`${testid}-mode`}
        />
        {onRemove && (
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            onClick={onRemove}
            aria-label={t('condition.remove')}
          />
        )}
      </div>
      {children.length === 0 && <div className="cond-empty">{t('condition.empty')}</div>}
      {children.map((c, i) => {
        const childPath = `${path}-${i}`;
        return isLeaf(c) ? (
          <LeafRow
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no ids; position is identity
            key={i}
            leaf={c}
            ctx={ctx}
            path={childPath}
            onChange={(x) => setChild(i, x)}
            onRemove={() => removeChild(i)}
          />
        ) : (
          <GroupBox
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            key={i}
            group={c as Group}
            ctx={ctx}
            path={childPath}
            onChange={(g) => setChild(i, g)}
            onRemove={() => removeChild(i)}
          />
        );
      })}
      {mode !== 'not' && (
        <Space size={4} className="cond-add">
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => onChange(rebuild(mode, [...children, newLeaf()]))}
            data-testid={`${testid}-add`}
          >
            {t('condition.addCondition')}
          </Button>
          <Button
            size="small"
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => onChange(rebuild(mode, [...children, { any: [newLeaf()] }]))}
            data-testid={`${testid}-add-group`}
          >
            {t('condition.addGroup')}
          </Button>
        </Space>
      )}
    </div>
  );
}

/** Edits a top-level condition set (`all` or `any`). */
export function ConditionBuilder({
  value,
  onChange,
  facts,
  operators,
  testid = 'cond',
}: {
  value: TopLevelCondition;
  onChange: (v: TopLevelCondition) => void;
  facts: FactOption[];
  operators: OperatorOption[];
  testid?: string;
}) {
  return (
    <GroupBox
      top
      group={value}
      ctx={{ facts, operators, testid }}
      path="root"
      onChange={(g) => {
        if ('not' in g) return;
        onChange(g);
      }}
    />
  );
}
