/**
 * One stage the record is in: what to do (instructions), what to say (script, with a copy
 * button), the checklist (each tick saved) and the stage's fields — the ones an open action
 * still needs are highlighted and say which action needs them.
 */
import { CheckCircleFilled, CopyOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Form, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FieldInput } from '../../shared/ui/field-input.tsx';
import type { FieldDef, Fields, FieldValue, RecordView, StageMeta } from './api.ts';
import { isEmpty, loc, type TimeLeft } from './format.ts';
import { TimeLeftTag } from './time-left-tag.tsx';

export type NeededBy = Map<string, string[]>;

type Props = {
  stageId: string;
  title: string;
  meta: StageMeta | null;
  record: RecordView;
  defs: Map<string, FieldDef>;
  draft: Fields;
  neededBy: NeededBy;
  fieldErrors: Record<string, string>;
  timeLeft: TimeLeft | null;
  users: Array<{ id: string; name: string }>;
  busy: boolean;
  readOnly: boolean;
  onField: (key: string, v: FieldValue) => void;
  onTick: (stageId: string, item: string, checked: boolean) => void;
};

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // older phones, insecure origins: a hidden textarea and execCommand
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

export function StageCard({
  stageId,
  title,
  meta,
  record,
  defs,
  draft,
  neededBy,
  fieldErrors,
  timeLeft,
  users,
  busy,
  readOnly,
  onField,
  onTick,
}: Props) {
  const { t } = useTranslation();
  const ticked = new Set(record.checklist[stageId] ?? []);
  const fieldKeys = (meta?.fields ?? []).filter((k) => defs.has(k));
  const script = loc(meta?.script);
  const instructions = loc(meta?.instructions).trim();
  // a stage with nothing to read, tick or fill shows its title only, never an empty box
  const empty = !instructions && !script && !meta?.checklist?.length && !fieldKeys.length;
  return (
    <Card
      size="small"
      className={`rep-stage-card${empty ? ' rep-stage-card-empty' : ''}`}
      {...(empty ? { styles: { body: { display: 'none' } } } : {})}
      data-testid={`stage-card-${stageId}`}
      title={
        <div className="rep-stage-title">
          <span data-testid="stage-title">{title}</span>
          <TimeLeftTag left={timeLeft} className="rep-time-tag" />
        </div>
      }
    >
      {instructions && (
        <section className="rep-section">
          <Typography.Text type="secondary" className="rep-label">
            {t('rep.record.instructions')}
          </Typography.Text>
          <Typography.Paragraph
            className="rep-instructions"
            data-testid="stage-instructions"
            ellipsis={{
              rows: 4,
              expandable: 'collapsible',
              symbol: (open) => (open ? t('rep.less') : t('rep.more')),
            }}
          >
            {instructions}
          </Typography.Paragraph>
        </section>
      )}
      {script && <ScriptSection script={script} />}
      {meta?.checklist && meta.checklist.length > 0 && (
        <section className="rep-section" data-testid="stage-checklist">
          <Typography.Text type="secondary" className="rep-label">
            {t('rep.record.checklist', { done: ticked.size, total: meta.checklist.length })}
          </Typography.Text>
          <div className="rep-checklist">
            {meta.checklist.map((c) => (
              <Checkbox
                key={c.id}
                checked={ticked.has(c.id)}
                disabled={busy || readOnly}
                data-testid={`check-${c.id}`}
                onChange={(e) => onTick(stageId, c.id, e.target.checked)}
              >
                {loc(c.label)}
              </Checkbox>
            ))}
          </div>
        </section>
      )}
      {fieldKeys.length > 0 && (
        <section className="rep-section">
          <Typography.Text type="secondary" className="rep-label">
            {t('rep.record.fields')}
          </Typography.Text>
          <Form layout="vertical" className="rep-fields" requiredMark={false}>
            {fieldKeys.map((k) => {
              const def = defs.get(k);
              if (!def) return null;
              const value = k in draft ? draft[k] : record.fields[k];
              const needed = neededBy.get(k);
              const changed = k in draft;
              const error = fieldErrors[k];
              const highlight = !!needed && !changed;
              return (
                <Form.Item
                  key={k}
                  label={
                    <span>
                      {loc(def.label)}
                      {changed && <CheckCircleFilled className="rep-changed-mark" />}
                    </span>
                  }
                  className={highlight ? 'rep-field-needed' : changed ? 'rep-field-changed' : ''}
                  data-testid={`field-item-${k}`}
                  data-needed={highlight ? 'true' : 'false'}
                  validateStatus={error ? 'error' : highlight ? 'warning' : undefined}
                  help={
                    error ??
                    (highlight
                      ? t('rep.record.neededBy', { actions: needed.join('、') })
                      : undefined)
                  }
                >
                  <FieldInput
                    def={def}
                    value={value ?? (def.type === 'boolean' ? false : undefined)}
                    users={users}
                    disabled={readOnly}
                    onChange={(v) => onField(k, v)}
                    {...(error
                      ? { status: 'error' as const }
                      : highlight && isEmpty(value)
                        ? { status: 'warning' as const }
                        : {})}
                  />
                </Form.Item>
              );
            })}
          </Form>
        </section>
      )}
    </Card>
  );
}

/** The stage's script (话术), with a button to copy it. */
function ScriptSection({ script }: { script: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return (
    <section className="rep-section rep-script" data-testid="stage-script">
      <div className="rep-script-head">
        <Typography.Text type="secondary" className="rep-label">
          {t('rep.record.script')}
        </Typography.Text>
        <Button
          size="small"
          icon={<CopyOutlined />}
          data-testid="copy-script"
          onClick={async () => {
            const ok = await copyText(script);
            if (ok) void message.success(t('rep.record.copied'));
            else void message.error(t('rep.record.copyFailed'));
          }}
        >
          {t('rep.record.copy')}
        </Button>
      </div>
      <div className="rep-script-text">{script}</div>
    </section>
  );
}
