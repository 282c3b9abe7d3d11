import { activeStages, type Fields } from '@closeloop/engine';
import { useMachine } from '@xstate/react';
import { Alert, Collapse, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ClonePicker } from './sim/clone-picker.tsx';
import { useSimPeople } from './sim/people.ts';
import { CloneBanner, type CloneNotes, SimToolbar } from './sim/sim-controls.tsx';
import {
  Checklists,
  findStage,
  SimActions,
  SimFields,
  SimStatus,
  SimTimers,
} from './sim/sim-record.tsx';
import { PathsList, TraceList } from './sim/sim-views.tsx';
import { simMachine } from './sim-machine.ts';
import type { Lang } from './sop-words.ts';
import { useEditor, useEditorStore } from './store.ts';

export function Simulator() {
  const { t, i18n } = useTranslation();
  const store = useEditorStore();
  const revision = useEditor((s) => s.revision);
  const problems = useEditor((s) => s.problems.length);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new document per revision
  const doc = useMemo(() => store.toDocument(), [store, revision]);
  const [snap, send] = useMachine(simMachine, { input: { doc, role: 'rep' } });
  const [fields, setFields] = useState<Fields>({});
  const people = useSimPeople();
  const [cloning, setCloning] = useState(false);
  const [cloneNotes, setCloneNotes] = useState<CloneNotes | null>(null);
  const lang: Lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { sim, error } = snap.context;
  const busy = snap.matches('running');

  useEffect(() => {
    send({ type: 'SET_DOC', doc });
  }, [doc, send]);

  const record = sim.record;
  const active = useMemo(() => (record ? activeStages(record.value) : []), [record]);
  useEffect(() => {
    store.actions.setHighlighted(active);
    return () => store.actions.setHighlighted([]);
  }, [active, store]);

  const run = (cmd: Parameters<typeof send>[0] & { type: 'RUN' }) => send(cmd);
  const stageFields = useMemo(() => {
    const keys = new Set<string>();
    for (const a of sim.open) for (const f of a.fields) keys.add(f);
    for (const id of active) {
      const stage = findStage(doc, id);
      for (const f of stage?.fields ?? []) keys.add(f);
    }
    const list = doc.fields.filter((f) => keys.has(f.key));
    return list.length ? list : doc.fields;
  }, [doc, sim.open, active]);

  const base = { doc, sim, lang, busy, run };

  return (
    <div className="simulator panel-form" data-testid="simulator">
      {problems > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('publish.hasProblems', { count: problems })}
          style={{ marginBottom: 8 }}
        />
      )}
      <SimToolbar
        sim={sim}
        busy={busy}
        onStart={() => {
          setFields({});
          setCloneNotes(null);
          run({ type: 'RUN', cmd: { type: 'start' } });
        }}
        onToggleClone={() => setCloning((v) => !v)}
        onRole={(role) => send({ type: 'SET_ROLE', role })}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      {cloning && (
        <ClonePicker
          doc={doc}
          onCancel={() => setCloning(false)}
          onLoad={(cmd, notes) => {
            setFields({});
            setCloneNotes(notes);
            setCloning(false);
            run({ type: 'RUN', cmd: { type: 'load', ...cmd } });
          }}
          onFresh={(startFields, from) => {
            setFields({});
            setCloneNotes(null);
            setCloning(false);
            run({ type: 'RUN', cmd: { type: 'start', fields: startFields, from } });
          }}
        />
      )}
      <CloneBanner sim={sim} record={record} cloneNotes={cloneNotes} />
      {record && (
        <>
          <SimStatus {...base} record={record} active={active} people={people} />
          <SimActions {...base} record={record} fields={fields} />
          <SimFields
            {...base}
            record={record}
            stageFields={stageFields}
            fields={fields}
            setFields={setFields}
          />
          <Checklists
            doc={doc}
            active={active}
            done={record.checklist}
            onToggle={(stage, items) =>
              run({ type: 'RUN', cmd: { type: 'edit', checklist: { [stage]: items } } })
            }
          />
          <SimTimers {...base} record={record} />
        </>
      )}
      <Collapse
        size="small"
        defaultActiveKey={['trace']}
        items={[
          {
            key: 'trace',
            label: t('simulator.log'),
            children: sim.trace.length ? (
              <TraceList trace={sim.trace} doc={doc} />
            ) : (
              <Typography.Text type="secondary">—</Typography.Text>
            ),
          },
          {
            key: 'paths',
            label: <span data-testid="sim-paths-toggle">{t('simulator.paths')}</span>,
            children: (
              <>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                  {t('simulator.replayNote')}
                </Typography.Paragraph>
                <PathsList
                  doc={doc}
                  onReplay={(path) => run({ type: 'RUN', cmd: { type: 'replay', path } })}
                />
              </>
            ),
          },
        ]}
      />
    </div>
  );
}
