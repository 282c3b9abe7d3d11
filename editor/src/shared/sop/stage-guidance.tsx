/**
 * A stage's guidance as the library and training show it: what to do, what to say, the
 * checklist, the fields, who owns it, how long it may take and who is alerted when it takes
 * longer, and each action with what its gate needs. Read from the document through the one
 * Graph ↔ SOP conversion, so targets are resolved the way the editor resolves them.
 */
import { ArrowRightOutlined, ClockCircleOutlined, TeamOutlined } from '@ant-design/icons';
import type {
  Condition,
  EscalationRung,
  FieldDef,
  SopDocument,
  StageMeta,
} from '@closeloop/engine';
import { Collapse, Empty, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { durationWords, loc } from '../format/words.ts';
import { type ActionEdge, type StageNode, sopToGraph } from '../graph/sop-graph.ts';

type Text = { 'zh-CN': string; en: string };

export type ActionGuide = {
  event: string;
  label: Text;
  target: string | null;
  roles: string[];
  /** What the gate checks, one message per condition (or group). */
  needs: Text[];
};

export type StageGuide = {
  id: string;
  kind: StageNode['type'];
  depth: number;
  meta: StageMeta | undefined;
  actions: ActionGuide[];
};

export type SopGuide = {
  stages: StageGuide[];
  byId: Map<string, StageGuide>;
  fields: Map<string, FieldDef>;
};

function needsOf(c: Condition | undefined, fields: Map<string, FieldDef>): Text[] {
  if (!c) return [];
  if (c.message) return [c.message];
  if ('all' in c) return c.all.flatMap((x) => needsOf(x, fields));
  if ('any' in c) return c.any.flatMap((x) => needsOf(x, fields));
  if ('not' in c) return needsOf(c.not, fields);
  const label = fields.get(c.fact)?.label;
  return label ? [label] : [{ 'zh-CN': c.fact, en: c.fact }];
}

/** Every stage of the document, parents before children, with its actions. */
export function guideOf(doc: SopDocument): SopGuide {
  const { graph } = sopToGraph(doc);
  const fields = new Map(doc.fields.map((f) => [f.key, f]));
  const bySource = new Map<string, ActionEdge[]>();
  for (const e of graph.edges) {
    const list = bySource.get(e.source) ?? [];
    list.push(e);
    bySource.set(e.source, list);
  }
  const stages: StageGuide[] = graph.nodes
    .filter((n) => n.type !== 'history')
    .map((n) => ({
      id: n.id,
      kind: n.type,
      depth: n.id.split('.').length - 1,
      meta: n.data.stage,
      actions: (bySource.get(n.id) ?? []).map((e) => ({
        event: e.data?.event ?? '',
        label: e.data?.meta?.label ?? { 'zh-CN': e.data?.event ?? '', en: e.data?.event ?? '' },
        target: e.data?.targetless ? null : e.target,
        roles: e.data?.meta?.roles ?? [],
        needs: needsOf(e.data?.meta?.gate, fields),
      })),
    }));
  return { stages, byId: new Map(stages.map((s) => [s.id, s])), fields };
}

export function stageTitle(guide: SopGuide, id: string | null): string {
  if (!id) return '';
  return loc(guide.byId.get(id)?.meta?.title, id.split('.').pop() ?? id);
}

export function RungLine({
  rung,
  clock,
  guide,
}: {
  rung: EscalationRung;
  clock?: 'wall' | 'working' | undefined;
  guide?: SopGuide | undefined;
}) {
  const { t } = useTranslation();
  const moveLabel = guide?.stages
    .flatMap((s) => s.actions)
    .find((a) => a.event === rung.action)?.label;
  const what =
    rung.kind === 'move' && rung.action
      ? t('library.rung.moveTo', { action: loc(moveLabel, rung.action) })
      : t(`library.rung.${rung.kind}`);
  const extra = rung.notify?.length ? ` (+ ${rung.notify.join(', ')})` : '';
  const team = rung.assign ? ` → ${rung.assign.team}` : '';
  return (
    <li>
      <Typography.Text strong>{durationWords(rung.after, clock, t)}</Typography.Text>
      {' · '}
      {what}
      {extra}
      {team}
    </li>
  );
}

export function SlaBlock({
  meta,
  guide,
}: {
  meta: StageMeta | undefined;
  guide?: SopGuide | undefined;
}) {
  const { t } = useTranslation();
  const sla = meta?.sla;
  if (!sla) return null;
  return (
    <section className="lib-section" data-testid="guide-sla">
      <Typography.Text type="secondary" className="lib-label">
        <ClockCircleOutlined /> {t('library.guide.sla')}
      </Typography.Text>
      <div>
        {t('library.guide.slaLimit', {
          duration: durationWords(sla.duration, sla.clock, t),
          clock: t(`library.clock.${sla.clock ?? 'wall'}`),
        })}
        {sla.dueField && ` · ${t('library.guide.dueField', { field: sla.dueField })}`}
      </div>
      {sla.escalations.length > 0 && (
        <ul className="lib-list">
          {sla.escalations.map((r) => (
            <RungLine
              key={`${r.after}-${r.kind}`}
              rung={r}
              clock={sla.clock}
              {...(guide ? { guide } : {})}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

export function ScriptBlock({ meta }: { meta: StageMeta | undefined }) {
  const { t } = useTranslation();
  const script = loc(meta?.script);
  if (!script) return null;
  return (
    <section className="lib-section" data-testid="guide-script">
      <Typography.Text type="secondary" className="lib-label">
        {t('library.guide.script')}
      </Typography.Text>
      <blockquote className="lib-script">{script}</blockquote>
    </section>
  );
}

export function InstructionsBlock({ meta }: { meta: StageMeta | undefined }) {
  const { t } = useTranslation();
  const text = loc(meta?.instructions);
  if (!text) return null;
  return (
    <section className="lib-section" data-testid="guide-instructions">
      <Typography.Text type="secondary" className="lib-label">
        {t('library.guide.instructions')}
      </Typography.Text>
      <Typography.Paragraph className="lib-para">{text}</Typography.Paragraph>
    </section>
  );
}

function OwnerLine({ meta }: { meta: StageMeta | undefined }) {
  const { t } = useTranslation();
  const owner = meta?.owner;
  if (!owner) return null;
  const first = owner.default ?? owner.rules[0]?.assign;
  if (!first) return null;
  return (
    <div className="lib-owner">
      <TeamOutlined />{' '}
      {t('library.guide.owner', {
        team: first.team,
        strategy: t(`library.strategy.${first.strategy}`),
      })}
      {owner.rules.length > 0 &&
        ` · ${t('library.guide.ownerRules', { count: owner.rules.length })}`}
      {owner.keepCurrent && ` · ${t('library.guide.keepCurrent')}`}
    </div>
  );
}

/** Everything a stage asks of a person, read-only. */
export function StageGuideBody({ guide, stage }: { guide: SopGuide; stage: StageGuide }) {
  const { t } = useTranslation();
  const meta = stage.meta;
  const fields = (meta?.fields ?? [])
    .map((k) => guide.fields.get(k))
    .filter((f): f is FieldDef => !!f);
  const empty =
    !meta?.instructions &&
    !meta?.script &&
    !meta?.checklist?.length &&
    !fields.length &&
    !meta?.sla &&
    !stage.actions.length;
  return (
    <div className="lib-guide" data-testid={`guide-${stage.id}`}>
      <OwnerLine meta={meta} />
      <InstructionsBlock meta={meta} />
      <ScriptBlock meta={meta} />
      {meta?.checklist?.length ? (
        <section className="lib-section">
          <Typography.Text type="secondary" className="lib-label">
            {t('library.guide.checklist')}
          </Typography.Text>
          <ul className="lib-list">
            {meta.checklist.map((c) => (
              <li key={c.id}>{loc(c.label)}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {fields.length > 0 && (
        <section className="lib-section">
          <Typography.Text type="secondary" className="lib-label">
            {t('library.guide.fields')}
          </Typography.Text>
          <div className="lib-tags">
            {fields.map((f) => (
              <Tag key={f.key}>{loc(f.label, f.key)}</Tag>
            ))}
          </div>
        </section>
      )}
      <SlaBlock meta={meta} guide={guide} />
      {stage.actions.length > 0 && (
        <section className="lib-section">
          <Typography.Text type="secondary" className="lib-label">
            {t('library.guide.actions')}
          </Typography.Text>
          <ul className="lib-actions">
            {stage.actions.map((a) => (
              <li key={`${a.event}-${a.target}`}>
                <div>
                  <Typography.Text strong>{loc(a.label, a.event)}</Typography.Text>
                  {a.target && (
                    <>
                      {' '}
                      <ArrowRightOutlined /> {stageTitle(guide, a.target)}
                    </>
                  )}
                  {a.roles.length > 0 && (
                    <Tag className="lib-role-tag" color="purple">
                      {a.roles.map((r) => t(`app.roles.${r}`)).join(' / ')}
                    </Tag>
                  )}
                </div>
                {a.needs.length > 0 && (
                  <div className="lib-needs">
                    {t('library.guide.needs')}{' '}
                    {a.needs.map((n) => loc(n)).join(t('library.listSep'))}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {empty && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('library.guide.nothing')} />
      )}
    </div>
  );
}

/** Every stage's guidance as an accordion; `open` follows the diagram's selection. */
export function StageGuideList({
  doc,
  open,
  onOpen,
}: {
  doc: SopDocument;
  open: string | null;
  onOpen: (id: string | null) => void;
}) {
  const { t, i18n } = useTranslation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: titles follow the language
  const guide = useMemo(() => guideOf(doc), [doc, i18n.language]);
  return (
    <Collapse
      accordion
      activeKey={open ?? undefined}
      onChange={(k) => onOpen((Array.isArray(k) ? k[0] : k) ?? null)}
      data-testid="stage-guides"
      items={guide.stages.map((s) => ({
        key: s.id,
        label: (
          <span
            className="lib-guide-head"
            style={{ paddingLeft: s.depth * 12 }}
            data-testid={`guide-head-${s.id}`}
          >
            {stageTitle(guide, s.id)}
            {s.kind === 'final' && (
              <Tag
                className="lib-outcome"
                color={
                  s.meta?.outcome === 'lost'
                    ? 'red'
                    : s.meta?.outcome === 'won'
                      ? 'green'
                      : 'default'
                }
              >
                {t(`library.outcome.${s.meta?.outcome ?? 'done'}`)}
              </Tag>
            )}
            {(s.kind === 'compound' || s.kind === 'parallel') && (
              <Tag className="lib-outcome">{t(`library.kinds.${s.kind}`)}</Tag>
            )}
          </span>
        ),
        children: <StageGuideBody guide={guide} stage={s} />,
      }))}
    />
  );
}
