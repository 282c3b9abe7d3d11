/**
 * The SOP as a step bar: the top-level stages in order, the current one marked (a compound
 * stage shows "parent › child"), stages the record has been through ticked. A parallel stage
 * gets one row per region, each with its own steps.
 */
import { Steps, Tag, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { type RecordView, type StageInfo, stageMetaOf, stateNodeOf } from './api.ts';
import { flowOrder, loc } from './format.ts';

type Props = {
  record: RecordView;
  stages: StageInfo[];
  /** The SOP's machine states (for the order a record flows through them). */
  machine: { states?: Record<string, unknown>; initial?: string } | null;
  /** Stage ids the record has entered at some point (from its history). */
  visited: ReadonlySet<string>;
};

const titleOf = (s: StageInfo) => loc(stageMetaOf(s.meta)?.title, s.key);

function itemsFor(
  list: StageInfo[],
  record: RecordView,
  visited: ReadonlySet<string>,
  byId: Map<string, StageInfo>,
  showFinals = false,
) {
  const active = new Set(record.activeStages);
  const closed = record.status !== 'open';
  // top-level final stages are alternative outcomes: only the one the record ended in is
  // shown; a region's final stage is its goal, so it stays
  const shown = list.filter((s) => showFinals || !s.final || active.has(s.id));
  const current = shown.findIndex((s) => active.has(s.id));
  const items = shown.map((s) => {
    const isActive = active.has(s.id);
    let status: 'wait' | 'process' | 'finish' | 'error' = visited.has(s.id) ? 'finish' : 'wait';
    if (isActive) {
      const outcome = stageMetaOf(s.meta)?.outcome ?? s.outcome;
      status =
        closed || s.final
          ? outcome === 'lost' || record.status === 'lost'
            ? 'error'
            : 'finish'
          : 'process';
    }
    let subtitle = '';
    if (isActive && s.type === 'compound') {
      const leaf = record.currentStages.find((c) => c.startsWith(`${s.id}.`));
      const path: string[] = [];
      for (
        let x = leaf ? byId.get(leaf) : undefined;
        x && x.id !== s.id;
        x = x.parentId ? byId.get(x.parentId) : undefined
      ) {
        path.unshift(titleOf(x));
      }
      subtitle = path.join(' › ');
    }
    return {
      key: s.id,
      status,
      title: (
        <span
          data-testid={`step-${s.id}`}
          data-status={status}
          className={isActive ? 'rep-step-current' : ''}
        >
          {titleOf(s)}
        </span>
      ),
      ...(subtitle ? { content: <span className="rep-step-sub">› {subtitle}</span> } : {}),
    };
  });
  return { items, current: Math.max(current, 0) };
}

function ScrollSteps({ items, current, testId }: ReturnType<typeof itemsFor> & { testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-centre when the current step moves
  useEffect(() => {
    const el = ref.current?.querySelector('.rep-step-current');
    const box = ref.current;
    if (el instanceof HTMLElement && box) {
      box.scrollLeft = Math.max(0, el.offsetLeft - box.clientWidth / 2 + el.clientWidth / 2);
    }
  }, [current]);
  return (
    <div className="rep-steps-scroll" ref={ref} data-testid={testId}>
      <div style={{ minWidth: Math.max(items.length * 92, 200) }}>
        <Steps
          type="dot"
          size="small"
          responsive={false}
          titlePlacement="vertical"
          current={current}
          items={items}
        />
      </div>
    </div>
  );
}

/** `list` (siblings) sorted by how a record flows through them. */
function sortByFlow(
  list: StageInfo[],
  states: Record<string, unknown> | undefined,
  initial?: string,
) {
  if (!states) return list;
  const order = flowOrder(states, initial);
  const rank = (s: StageInfo) => {
    const i = order.indexOf(s.key);
    return i < 0 ? order.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

export function StageBar({ record, stages, visited, machine }: Props) {
  const { t } = useTranslation();
  const byId = new Map(stages.map((s) => [s.id, s]));
  const top = sortByFlow(
    stages.filter((s) => s.parentId === null),
    machine?.states,
    machine?.initial,
  );
  const nodeAt = (id: string) => {
    let level = machine?.states;
    let node: ReturnType<typeof stateNodeOf> = null;
    for (const k of id.split('.')) {
      node = stateNodeOf(level?.[k]);
      level = node?.states;
    }
    return node;
  };
  const main = itemsFor(top, record, visited, byId);
  const active = new Set(record.activeStages);
  const parallel = stages.filter((s) => s.type === 'parallel' && active.has(s.id));
  return (
    <div className="rep-stage-bar">
      <ScrollSteps {...main} testId="stage-bar" />
      {parallel.map((p) =>
        p.children.map((regionId) => {
          const region = byId.get(regionId);
          if (!region) return null;
          const node = nodeAt(regionId);
          const kids = sortByFlow(
            region.children.map((c) => byId.get(c)).filter((c): c is StageInfo => !!c),
            node?.states,
            node?.initial,
          );
          const done = kids.some((k) => k.final && active.has(k.id));
          return (
            <div key={regionId} className="rep-region" data-testid={`region-${regionId}`}>
              <Typography.Text strong className="rep-region-title">
                {titleOf(region)}
                {done && (
                  <Tag color="green" style={{ marginInlineStart: 6 }}>
                    {t('rep.record.regionDone')}
                  </Tag>
                )}
              </Typography.Text>
              <ScrollSteps
                {...itemsFor(kids, record, visited, byId, true)}
                testId={`region-steps-${regionId}`}
              />
            </div>
          );
        }),
      )}
    </div>
  );
}
