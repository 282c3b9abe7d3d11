/**
 * The actions open now. Each button says, before it is tapped, whether it can go ahead or
 * what it still needs (the gate's failed conditions, re-checked as the rep types). Tapping a
 * blocked action opens a sheet with exactly those fields (and the checklist when the gate
 * wants it), so the rep fills them in and acts in one go.
 */
import { CheckCircleOutlined, ExclamationCircleOutlined, LockOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Checkbox,
  Drawer,
  Form,
  Grid,
  Typography,
} from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldInput } from '../../shared/ui/field-input.tsx';
import type {
  FieldDef,
  Fields,
  FieldValue,
  GateFailure,
  OpenAction,
  RecordView,
  StageMeta,
} from './api.ts';
import { isEmpty, loc, losingActions } from './format.ts';

type ListProps = {
  actions: OpenAction[];
  /** Actions that end the record as lost (their target is a final stage with outcome `lost`). */
  losing: ReadonlySet<string>;
  busy: boolean;
  pendingAction: string | null;
  readOnly: boolean;
  onAct: (a: OpenAction) => void;
};

/**
 * The way forward: the first action the rep may take that does not lose the record. It stays
 * the one primary button even while its gate still blocks it, so a losing exit never becomes
 * the obvious tap.
 */
export function forwardAction(
  actions: OpenAction[],
  losing: ReadonlySet<string>,
): OpenAction | null {
  return actions.find((a) => a.allowed && !losing.has(a.action)) ?? null;
}

/**
 * The losing actions among `actions`, and a guard that asks before one of them runs
 * (losing the record is never one careless tap away).
 */
export function useLosingConfirm(actions: OpenAction[]) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const losing = useMemo(() => losingActions(actions), [actions]);
  const confirmLosing = (a: OpenAction, then: () => void) => {
    if (!losing.has(a.action)) return then();
    const label = loc(a.label, a.action);
    modal.confirm({
      title: t('rep.actions.confirmLoseTitle', { action: label }),
      content: t('rep.actions.confirmLoseBody'),
      okText: label,
      okButtonProps: { danger: true, 'data-testid': 'confirm-lose-ok' } as ButtonProps,
      cancelText: t('rep.cancel'),
      onOk: then,
    });
  };
  return { losing, confirmLosing };
}

export function ActionList({ actions, losing, busy, pendingAction, readOnly, onAct }: ListProps) {
  const { t } = useTranslation();
  if (!actions.length) return null;
  const forward = forwardAction(actions, losing);
  return (
    <div className="rep-actions" data-testid="actions">
      {actions.map((a) => {
        const ready = a.allowed && a.passed;
        const lose = losing.has(a.action);
        const primary = a === forward;
        return (
          <div
            key={a.action}
            className={`rep-action ${ready ? 'ready' : 'blocked'}${lose ? ' losing' : ''}`}
            data-testid={`action-row-${a.action}`}
          >
            <Button
              block
              size="large"
              type={primary ? 'primary' : 'default'}
              danger={lose}
              data-primary={primary ? 'true' : 'false'}
              data-losing={lose ? 'true' : 'false'}
              icon={
                !a.allowed ? (
                  <LockOutlined />
                ) : ready ? (
                  <CheckCircleOutlined />
                ) : (
                  <ExclamationCircleOutlined />
                )
              }
              disabled={!a.allowed || readOnly || (busy && pendingAction !== a.action)}
              loading={busy && pendingAction === a.action}
              data-testid={`action-${a.action}`}
              data-passed={a.passed ? 'true' : 'false'}
              onClick={() => onAct(a)}
            >
              {loc(a.label, a.action)}
            </Button>
            <div className="rep-action-needs" data-testid={`action-needs-${a.action}`}>
              {!a.allowed ? (
                <Typography.Text type="secondary">{t('rep.actions.notAllowed')}</Typography.Text>
              ) : a.passed ? (
                <Typography.Text type="success">{t('rep.actions.ready')}</Typography.Text>
              ) : (
                <>
                  <Typography.Text type="warning">{t('rep.actions.needs')}</Typography.Text>
                  <ul>
                    {dedupe(a.failures).map((f) => (
                      <li key={f.path}>{loc(f.message)}</li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function dedupe(failures: GateFailure[]): GateFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const k = loc(f.message);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type SheetProps = {
  action: OpenAction | null;
  /** Failures the server reported on the last try (they win over the live check). */
  serverFailures: GateFailure[] | null;
  record: RecordView;
  defs: Map<string, FieldDef>;
  stageMeta: (id: string) => StageMeta | null;
  draft: Fields;
  fieldErrors: Record<string, string>;
  /** Why the server refused the last try (not a gate: a bad value, a rule, a permission). */
  refusal: string | null;
  users: Array<{ id: string; name: string }>;
  busy: boolean;
  onField: (key: string, v: FieldValue) => void;
  onTick: (stageId: string, item: string, checked: boolean) => void;
  onSubmit: () => void;
  onClose: () => void;
};

export function ActionSheet({
  action,
  serverFailures,
  record,
  defs,
  stageMeta,
  draft,
  fieldErrors,
  refusal,
  users,
  busy,
  onField,
  onTick,
  onSubmit,
  onClose,
}: SheetProps) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const failures = action ? (serverFailures ?? action.failures) : [];
  const keys = action
    ? [...new Set([...failures.flatMap((f) => f.fields), ...action.fields])].filter((k) =>
        defs.has(k),
      )
    : [];
  const failing = new Set(failures.flatMap((f) => f.fields));
  const needsChecklist = failures.some((f) => f.fact === '$checklist');
  const from = action?.from ?? '';
  const checklist = needsChecklist ? (stageMeta(from)?.checklist ?? []) : [];
  const ticked = new Set(record.checklist[from] ?? []);
  return (
    <Drawer
      open={!!action}
      onClose={onClose}
      placement={screens.md ? 'right' : 'bottom'}
      size={screens.md ? 440 : '85%'}
      title={
        action ? t('rep.actions.sheetTitle', { action: loc(action.label, action.action) }) : ''
      }
      destroyOnHidden
      className="rep-sheet"
      footer={
        <div className="rep-sheet-footer">
          <Button onClick={onClose} disabled={busy}>
            {t('rep.cancel')}
          </Button>
          <Button type="primary" loading={busy} onClick={onSubmit} data-testid="sheet-submit">
            {action
              ? t('rep.actions.fillAndAct', { action: loc(action.label, action.action) })
              : ''}
          </Button>
        </div>
      }
    >
      {action && (
        <div data-testid="action-sheet" data-action={action.action}>
          {refusal && (
            <Alert
              type="error"
              showIcon
              className="rep-sheet-alert"
              title={t('rep.actions.refused')}
              description={
                <RefusalDetail refusal={refusal} fieldErrors={fieldErrors} defs={defs} />
              }
              data-testid="sheet-refused"
            />
          )}
          {failures.length > 0 ? (
            <Alert
              type="warning"
              showIcon
              className="rep-sheet-alert"
              title={t('rep.actions.stillNeeds')}
              description={
                <ul className="rep-needs-list" data-testid="sheet-failures">
                  {dedupe(failures).map((f) => (
                    <li key={f.path}>{loc(f.message)}</li>
                  ))}
                </ul>
              }
            />
          ) : (
            <Alert
              type="success"
              showIcon
              className="rep-sheet-alert"
              title={t('rep.actions.allSet')}
              data-testid="sheet-ready"
            />
          )}
          {checklist.length > 0 && (
            <div className="rep-checklist" data-testid="sheet-checklist">
              {checklist.map((c) => (
                <Checkbox
                  key={c.id}
                  checked={ticked.has(c.id)}
                  disabled={busy}
                  data-testid={`sheet-check-${c.id}`}
                  onChange={(e) => onTick(from, c.id, e.target.checked)}
                >
                  {loc(c.label)}
                </Checkbox>
              ))}
            </div>
          )}
          <Form layout="vertical" requiredMark={false}>
            {keys.map((k) => {
              const def = defs.get(k);
              if (!def) return null;
              const value = k in draft ? draft[k] : record.fields[k];
              const highlight = failing.has(k) && !(k in draft);
              return (
                <Form.Item
                  key={k}
                  label={loc(def.label)}
                  className={highlight ? 'rep-field-needed' : ''}
                  validateStatus={fieldErrors[k] ? 'error' : highlight ? 'warning' : undefined}
                  help={fieldErrors[k]}
                >
                  <FieldInput
                    def={def}
                    value={value ?? (def.type === 'boolean' ? false : undefined)}
                    users={users}
                    testId={`sheet-field-${k}`}
                    onChange={(v) => onField(k, v)}
                    {...(highlight && isEmpty(value) ? { status: 'warning' as const } : {})}
                  />
                </Form.Item>
              );
            })}
          </Form>
        </div>
      )}
    </Drawer>
  );
}

function RefusalDetail({
  refusal,
  fieldErrors,
  defs,
}: {
  refusal: string;
  fieldErrors: Record<string, string>;
  defs: Map<string, FieldDef>;
}) {
  const entries = Object.entries(fieldErrors);
  if (!entries.length) return <span>{refusal}</span>;
  return (
    <ul className="rep-needs-list">
      {entries.map(([k, m]) => (
        <li key={k}>
          {loc(defs.get(k)?.label, k)}: {m}
        </li>
      ))}
    </ul>
  );
}
