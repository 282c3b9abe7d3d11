/**
 * Test fixtures: a small SOP exercising gates, owner rules, SLAs with an escalation ladder,
 * a compound stage and a parallel stage; and a context factory with a simulated clock.
 */
import { chinaCalendar } from '../calendar.ts';
import { parseSop, type SopDocument } from '../sop.ts';
import type { Roster, StepContext } from '../types.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

export const leadSopJson = {
  id: 'lead-follow-up',
  version: 1,
  name: t('线索跟进', 'Lead follow-up'),
  fields: [
    { key: 'name', type: 'text', label: t('姓名', 'Name') },
    { key: 'phone', type: 'phone', label: t('电话', 'Phone') },
    { key: 'company', type: 'text', label: t('公司', 'Company') },
    {
      key: 'source',
      type: 'select',
      label: t('来源', 'Source'),
      options: [
        { value: 'web', label: t('官网', 'Website') },
        { value: 'expo', label: t('展会', 'Trade show') },
      ],
    },
    { key: 'budget', type: 'money', label: t('预算', 'Budget') },
    { key: 'nextFollowUpAt', type: 'datetime', label: t('下次跟进时间', 'Next follow-up') },
    { key: 'contractNo', type: 'text', label: t('合同编号', 'Contract number') },
  ],
  machine: {
    id: 'lead',
    initial: 'lead',
    states: {
      lead: {
        meta: {
          stage: {
            title: t('新线索', 'New lead'),
            fields: ['name', 'phone', 'company', 'source'],
            owner: {
              rules: [
                {
                  conditions: { all: [{ fact: 'source', operator: 'equal', value: 'expo' }] },
                  assign: { team: 'marketing', strategy: 'round-robin' },
                },
              ],
              default: { team: 'sales', strategy: 'round-robin' },
            },
            sla: {
              duration: 'PT15M',
              clock: 'wall',
              escalations: [
                { after: 'PT10M', kind: 'remind-owner' },
                { after: 'PT15M', kind: 'notify-manager' },
                { after: 'PT30M', kind: 'reassign' },
              ],
            },
          },
        },
        on: {
          QUALIFY: {
            target: 'screening',
            meta: {
              label: t('有效线索', 'Qualify'),
              gate: {
                all: [
                  {
                    fact: 'phone',
                    operator: 'isNotEmpty',
                    value: true,
                    message: t('请填写电话', 'Phone is required'),
                  },
                  { fact: 'company', operator: 'isNotEmpty', value: true },
                ],
              },
            },
          },
          DISQUALIFY: { target: 'lost', meta: { label: t('无效', 'Disqualify') } },
        },
      },
      screening: {
        meta: { stage: { title: t('筛选', 'Screening') } },
        on: {
          CONVERT: {
            target: 'followUp',
            meta: {
              label: t('转为商机', 'Convert'),
              gate: {
                all: [
                  {
                    fact: 'budget',
                    operator: 'greaterThan',
                    value: 0,
                    message: t('预算须大于 0', 'Budget must be above 0'),
                  },
                  {
                    any: [
                      { fact: 'phone', operator: 'matchesPattern', value: '^1[3-9]\\d{9}$' },
                      { fact: 'company', operator: 'inList', value: ['ACME', 'Globex'] },
                    ],
                  },
                ],
              },
            },
          },
        },
      },
      followUp: {
        initial: 'call',
        meta: {
          stage: {
            title: t('跟进', 'Follow-up'),
            owner: {
              rules: [],
              default: { team: 'sales', strategy: 'least-loaded' },
              keepCurrent: true,
            },
            sla: {
              duration: 'P2D',
              clock: 'working',
              escalations: [{ after: 'P1D', kind: 'notify-manager' }],
            },
          },
        },
        states: {
          call: {
            meta: {
              stage: {
                title: t('首次通话', 'First call'),
                checklist: [
                  { id: 'intro', label: t('自我介绍', 'Introduce yourself') },
                  { id: 'needs', label: t('了解需求', 'Ask about needs') },
                ],
              },
            },
            on: {
              CALLED: {
                target: 'proposal',
                meta: {
                  gate: {
                    all: [{ fact: '$checklist', operator: 'checklistComplete', value: true }],
                  },
                },
              },
            },
          },
          proposal: {
            meta: {
              stage: {
                title: t('方案', 'Proposal'),
                sla: {
                  duration: 'PT4H',
                  dueField: 'nextFollowUpAt',
                  escalations: [],
                  clock: 'wall',
                },
              },
            },
            on: {
              ACCEPTED: {
                target: 'accepted',
                meta: {
                  gate: { all: [{ fact: 'nextFollowUpAt', operator: 'withinHours', value: 72 }] },
                },
              },
            },
          },
          accepted: { type: 'final', meta: { stage: { title: t('已接受', 'Accepted') } } },
        },
        onDone: 'contract',
        on: { LOSE: { target: 'lost', meta: { roles: ['manager', 'admin'] } } },
      },
      contract: {
        type: 'parallel',
        meta: { stage: { title: t('合同', 'Contract') } },
        states: {
          legal: {
            initial: 'review',
            meta: { stage: { title: t('法务', 'Legal') } },
            states: {
              review: {
                meta: { stage: { title: t('法务审核', 'Legal review') } },
                on: { LEGAL_OK: 'approved' },
              },
              approved: {
                type: 'final',
                meta: { stage: { title: t('法务通过', 'Legal approved') } },
              },
            },
          },
          finance: {
            initial: 'check',
            meta: { stage: { title: t('财务', 'Finance') } },
            states: {
              check: {
                meta: { stage: { title: t('财务审核', 'Finance check') } },
                on: {
                  FINANCE_OK: {
                    target: 'cleared',
                    meta: {
                      gate: { all: [{ fact: 'contractNo', operator: 'isNotEmpty', value: true }] },
                    },
                  },
                },
              },
              cleared: {
                type: 'final',
                meta: { stage: { title: t('财务通过', 'Finance cleared') } },
              },
            },
          },
        },
        onDone: 'won',
      },
      won: { type: 'final', meta: { stage: { title: t('赢单', 'Won'), outcome: 'won' } } },
      lost: { type: 'final', meta: { stage: { title: t('输单', 'Lost'), outcome: 'lost' } } },
    },
  },
};

export function leadSop(): SopDocument {
  const r = parseSop(leadSopJson);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message.en}`).join('\n'));
  return r.doc;
}

export const T0 = Date.parse('2026-11-02T09:00:00+08:00'); // a Monday, 09:00 in Shanghai

export function roster(): Roster {
  return {
    teams: [
      {
        id: 'sales',
        managerIds: ['boss'],
        rrCursor: 0,
        members: [
          { userId: 'rep1', active: true, openCount: 3 },
          { userId: 'rep2', active: true, openCount: 1 },
        ],
      },
      {
        id: 'marketing',
        managerIds: ['cmo'],
        rrCursor: 0,
        members: [{ userId: 'mkt1', active: true, openCount: 0 }],
      },
    ],
  };
}

/** A context factory with a clock the test moves and a counter for ids. */
export function makeCtx(
  opts: { now?: number; role?: StepContext['actor']['role']; roster?: Roster } = {},
) {
  let seq = 0;
  const state = { now: opts.now ?? T0 };
  const r = opts.roster ?? roster();
  return {
    state,
    ctx: (role: StepContext['actor']['role'] = opts.role ?? 'rep', id = 'rep1'): StepContext => ({
      now: state.now,
      actor: { id, role },
      newId: () => `e${++seq}`,
      roster: r,
      calendar: chinaCalendar,
    }),
  };
}
