/**
 * Test fixtures: a small SOP exercising gates, owner rules, SLAs with an escalation ladder,
 * a compound stage and a parallel stage; and a context factory with a simulated clock.
 */
import { chinaCalendar } from '../calendar.ts';
import { parseSop, type SopDocument } from '../sop.ts';
import type { Roster, StepContext } from '../types.ts';

export const leadSopJson = {
  id: 'lead-follow-up',
  version: 1,
  name: { 'zh-CN': '线索跟进', en: 'Lead follow-up' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' } },
    { key: 'phone', type: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
    { key: 'company', type: 'text', label: { 'zh-CN': '公司', en: 'Company' } },
    {
      key: 'source',
      type: 'select',
      label: { 'zh-CN': '来源', en: 'Source' },
      options: [
        { value: 'web', label: { 'zh-CN': '官网', en: 'Website' } },
        { value: 'expo', label: { 'zh-CN': '展会', en: 'Trade show' } },
      ],
    },
    { key: 'budget', type: 'money', label: { 'zh-CN': '预算', en: 'Budget' } },
    {
      key: 'nextFollowUpAt',
      type: 'datetime',
      label: { 'zh-CN': '下次跟进时间', en: 'Next follow-up' },
    },
    { key: 'contractNo', type: 'text', label: { 'zh-CN': '合同编号', en: 'Contract number' } },
  ],
  machine: {
    id: 'lead',
    initial: 'lead',
    states: {
      lead: {
        meta: {
          stage: {
            title: { 'zh-CN': '新线索', en: 'New lead' },
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
              label: { 'zh-CN': '有效线索', en: 'Qualify' },
              gate: {
                all: [
                  {
                    fact: 'phone',
                    operator: 'isNotEmpty',
                    value: true,
                    message: { 'zh-CN': '请填写电话', en: 'Phone is required' },
                  },
                  { fact: 'company', operator: 'isNotEmpty', value: true },
                ],
              },
            },
          },
          DISQUALIFY: { target: 'lost', meta: { label: { 'zh-CN': '无效', en: 'Disqualify' } } },
        },
      },
      screening: {
        meta: { stage: { title: { 'zh-CN': '筛选', en: 'Screening' } } },
        on: {
          CONVERT: {
            target: 'followUp',
            meta: {
              label: { 'zh-CN': '转为商机', en: 'Convert' },
              gate: {
                all: [
                  {
                    fact: 'budget',
                    operator: 'greaterThan',
                    value: 0,
                    message: { 'zh-CN': '预算须大于 0', en: 'Budget must be above 0' },
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
            title: { 'zh-CN': '跟进', en: 'Follow-up' },
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
                title: { 'zh-CN': '首次通话', en: 'First call' },
                checklist: [
                  { id: 'intro', label: { 'zh-CN': '自我介绍', en: 'Introduce yourself' } },
                  { id: 'needs', label: { 'zh-CN': '了解需求', en: 'Ask about needs' } },
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
                title: { 'zh-CN': '方案', en: 'Proposal' },
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
          accepted: {
            type: 'final',
            meta: { stage: { title: { 'zh-CN': '已接受', en: 'Accepted' } } },
          },
        },
        onDone: 'contract',
        on: { LOSE: { target: 'lost', meta: { roles: ['manager', 'admin'] } } },
      },
      contract: {
        type: 'parallel',
        meta: { stage: { title: { 'zh-CN': '合同', en: 'Contract' } } },
        states: {
          legal: {
            initial: 'review',
            meta: { stage: { title: { 'zh-CN': '法务', en: 'Legal' } } },
            states: {
              review: {
                meta: { stage: { title: { 'zh-CN': '法务审核', en: 'Legal review' } } },
                on: { LEGAL_OK: 'approved' },
              },
              approved: {
                type: 'final',
                meta: { stage: { title: { 'zh-CN': '法务通过', en: 'Legal approved' } } },
              },
            },
          },
          finance: {
            initial: 'check',
            meta: { stage: { title: { 'zh-CN': '财务', en: 'Finance' } } },
            states: {
              check: {
                meta: { stage: { title: { 'zh-CN': '财务审核', en: 'Finance check' } } },
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
                meta: { stage: { title: { 'zh-CN': '财务通过', en: 'Finance cleared' } } },
              },
            },
          },
        },
        onDone: 'won',
      },
      won: {
        type: 'final',
        meta: { stage: { title: { 'zh-CN': '赢单', en: 'Won' }, outcome: 'won' } },
      },
      lost: {
        type: 'final',
        meta: { stage: { title: { 'zh-CN': '输单', en: 'Lost' }, outcome: 'lost' } },
      },
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
