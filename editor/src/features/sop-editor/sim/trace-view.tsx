/**
 * Renders the engine's traces: a gate condition by condition (nested all/any/not groups,
 * each leaf with its fact, operator, expected value, actual value and pass/fail) and an
 * owner decision (each rule, which one matched, which strategy picked whom).
 */
import { CheckCircleFilled, CloseCircleFilled, MinusCircleOutlined } from '@ant-design/icons';
import {
  type ConditionTrace,
  type FieldDef,
  OPERATORS,
  type SopDocument,
  SYSTEM_FACTS,
} from '@closeloop/engine';
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { stageName } from '../sop-words.ts';
import type { GateTrace, OwnerDecision } from './explain.ts';
import { useSimPeople } from './people.ts';
import './sim.css';

type Lang = 'zh-CN' | 'en';

function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

function Verdict({ passed }: { passed: boolean }) {
  return passed ? (
    <CheckCircleFilled className="trace-pass" />
  ) : (
    <CloseCircleFilled className="trace-fail" />
  );
}

function isChecklist(v: unknown): v is { items: string[]; done: string[] } {
  return !!v && typeof v === 'object' && 'items' in v && 'done' in v;
}

/** A fact value for people: options by label, lists joined, numbers rounded, blanks named. */
function useShowValue(doc: SopDocument) {
  const { t } = useTranslation();
  const lang = useLang();
  return (v: unknown, fact?: string): string => {
    if (v === null || v === undefined || (typeof v === 'string' && v.trim() === ''))
      return t('simulator.empty');
    if (Array.isArray(v) && v.length === 0) return t('simulator.empty');
    if (isChecklist(v))
      return t('simulator.ticked', {
        done: v.items.filter((i) => v.done.includes(i)).length,
        total: v.items.length,
      });
    const def: FieldDef | undefined = fact ? doc.fields.find((f) => f.key === fact) : undefined;
    const label = (x: unknown) =>
      def?.options?.find((o) => o.value === x)?.label[lang] ?? String(x);
    if (Array.isArray(v)) return v.map(label).join(', ');
    if (def?.type === 'datetime' && typeof v === 'string' && !Number.isNaN(Date.parse(v)))
      return new Date(v).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
        timeZone: 'Asia/Shanghai',
        dateStyle: 'medium',
        timeStyle: 'short',
      });
    if (typeof v === 'number')
      return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
    if (typeof v === 'object') return JSON.stringify(v);
    return label(v);
  };
}

function factLabel(doc: SopDocument, fact: string, lang: Lang): string {
  const def = doc.fields.find((f) => f.key === fact);
  return def?.label[lang] || SYSTEM_FACTS[fact]?.[lang] || fact;
}

/** One condition set, drawn as a tree. */
export function ConditionTree({
  doc,
  node,
  depth = 0,
}: {
  doc: SopDocument;
  node: ConditionTrace;
  depth?: number;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const show = useShowValue(doc);
  if (node.kind === 'leaf') {
    const ref =
      node.value && typeof node.value === 'object' && 'fact' in node.value
        ? String(node.value.fact)
        : null;
    const bool = OPERATORS[node.operator]?.valueKind === 'bool';
    return (
      <div
        className={`trace-leaf ${node.passed ? 'passed' : 'failed'}`}
        data-testid="sim-cond"
        data-path={node.path}
        data-fact={node.fact}
        data-passed={node.passed}
      >
        <Verdict passed={node.passed} />{' '}
        <Typography.Text strong>{factLabel(doc, node.fact, lang)}</Typography.Text>{' '}
        <Typography.Text type="secondary">
          {OPERATORS[node.operator]?.label[lang] ?? node.operator}
        </Typography.Text>
        {!bool && (
          <>
            {' '}
            <Typography.Text code data-testid="sim-cond-expected">
              {ref
                ? `${factLabel(doc, ref, lang)} = ${show(node.expected, ref)}`
                : show(node.expected, node.fact)}
            </Typography.Text>
          </>
        )}
        {bool && node.expected === false && <Tag>false</Tag>}
        <div className="trace-values">
          <span>
            {t('simulator.actual')}:{' '}
            <Typography.Text code data-testid="sim-cond-actual">
              {show(node.actual, node.fact)}
            </Typography.Text>
          </span>
          {node.compared !== undefined && (
            <span>
              {' · '}
              {t('simulator.compared')}:{' '}
              <Typography.Text code>{show(node.compared)}</Typography.Text>
            </span>
          )}
          {node.error && (
            <Typography.Text type="danger"> · {t('simulator.operatorError')}</Typography.Text>
          )}
        </div>
        {!node.passed && (
          <div className="trace-message" data-testid="sim-cond-message">
            {node.message[lang]}
          </div>
        )}
      </div>
    );
  }
  const title =
    node.kind === 'all'
      ? t('simulator.traceAll')
      : node.kind === 'any'
        ? t('simulator.traceAny')
        : t('simulator.traceNot');
  const children = node.kind === 'not' ? [node.child] : node.children;
  return (
    <div
      className={`trace-group ${depth ? 'nested' : ''}`}
      data-testid="sim-cond-group"
      data-kind={node.kind}
      data-passed={node.passed}
    >
      <div className="trace-group-title">
        <Verdict passed={node.passed} /> <Typography.Text>{title}</Typography.Text>
        {!node.passed && node.message && (
          <Typography.Text type="danger"> · {node.message[lang]}</Typography.Text>
        )}
      </div>
      {children.map((c) => (
        <ConditionTree key={c.path} doc={doc} node={c} depth={depth + 1} />
      ))}
    </div>
  );
}

/** Every gate one action checks (one per candidate transition). */
export function GateTraces({ doc, gates }: { doc: SopDocument; gates: GateTrace[] }) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <div className="gate-traces" data-testid="sim-gate-trace">
      {gates.map((g) => (
        <div key={`${g.from}>${g.target}`} className="gate-trace" data-action={g.action}>
          {gates.length > 1 && (
            <Typography.Text type="secondary" style={{ fontSize: 11 }}>
              {g.from ? stageName(doc, g.from, lang) : '*'} →{' '}
              {g.target ? stageName(doc, g.target, lang) : '—'}
            </Typography.Text>
          )}
          {!g.allowed && <Tag color="warning">{t('simulator.notAllowed')}</Tag>}
          {g.trace ? (
            <ConditionTree doc={doc} node={g.trace.root} />
          ) : (
            <Typography.Text type="secondary">{t('simulator.noGate')}</Typography.Text>
          )}
        </div>
      ))}
    </div>
  );
}

/** Which owner rule matched and whom its strategy picked. */
export function OwnerTraceView({ doc, decision }: { doc: SopDocument; decision: OwnerDecision }) {
  const { t } = useTranslation();
  const lang = useLang();
  const { who, team } = useSimPeople();
  const { trace } = decision;
  const stage = stageName(doc, decision.stage, lang);
  const strategy = (s: string) => t(`stage.strategies.${s}`, { defaultValue: s });
  const a = trace.assignment;
  const summary = decision.rungAssign
    ? t('simulator.rungAssigns', {
        team: team(decision.rungAssign.team),
        strategy: strategy(decision.rungAssign.strategy),
      })
    : typeof trace.decidedBy === 'number' && a
      ? t('simulator.decidedByRule', {
          n: trace.decidedBy + 1,
          team: team(a.team),
          strategy: strategy(a.strategy),
        })
      : trace.decidedBy === 'default' && a
        ? t('simulator.decidedByDefault', { team: team(a.team), strategy: strategy(a.strategy) })
        : t('simulator.decidedByNone');
  return (
    <div
      className="owner-trace"
      data-testid="sim-owner-trace"
      data-stage={decision.stage}
      data-cause={decision.cause}
    >
      <Typography.Text strong>
        {decision.cause === 'escalation'
          ? t('simulator.ownerEscalation', { stage })
          : t('simulator.ownerRule', { stage })}
      </Typography.Text>
      <div data-testid="sim-owner-decision">{summary}</div>
      {a && (
        <div>
          {trace.keptCurrent
            ? t('simulator.keptOwner', { user: who(decision.currentOwnerId) })
            : trace.pick
              ? t('simulator.picked', {
                  strategy: strategy(trace.pick.strategy),
                  user: who(trace.pick.userId),
                })
              : t('simulator.nobody', { team: team(a.team) })}
        </div>
      )}
      {decision.assigned && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('simulator.assigned', {
            user: who(decision.assigned.userId),
            strategy: strategy(decision.assigned.strategy),
          })}
        </Typography.Text>
      )}
      {trace.rules.map((r) => (
        <div key={r.index} className="owner-rule" data-matched={trace.decidedBy === r.index}>
          {r.skipped ? <MinusCircleOutlined /> : <Verdict passed={r.passed} />}{' '}
          {t('simulator.ruleN', { n: r.index + 1 })} → {team(r.assign.team)} ·{' '}
          {strategy(r.assign.strategy)}
          {r.assign.user ? ` (${who(r.assign.user)})` : ''}{' '}
          <Typography.Text type="secondary" style={{ fontSize: 11 }}>
            {t('simulator.priority', { n: r.priority })}
            {r.skipped ? ` · ${t('simulator.notReached')}` : ''}
          </Typography.Text>
          <ConditionTree doc={doc} node={r.conditions.root} depth={1} />
        </div>
      ))}
    </div>
  );
}
