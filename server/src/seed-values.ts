/**
 * Field values for the demo seed that read like a rep's own entries: each field's value by
 * its key (notes, numbers, dates, order numbers), following the gate of the action that asks
 * for it, so a record holds only what its stage would have collected by now.
 */
import type { FieldDef, Fields } from '@closeloop/engine';
import type { DemoCustomer } from './seed-customers.ts';

const DAY = 86_400_000;

/** Who and when a value is written for: the record's customer, its number, the step's time. */
export type ValueContext = {
  customer: DemoCustomer;
  /** The record's number in the seed (varies the choices between records). */
  n: number;
  /** The step's number on the record's path (a second note differs from the first). */
  step: number;
  at: number;
  userId: string;
  /** Another user (a successor, a second person on the deal). */
  otherUserId: string;
};

const pick = <T>(list: readonly T[], i: number): T => list[Math.abs(i) % list.length] as T;

/** Notes by field key: what a rep, a manager or the service desk would actually write. */
const NOTES: Record<string, readonly string[]> = {
  requirement: [
    '现有两条产线的包装环节靠人工，想上一套自动封箱设备，年底前要投产。',
    '替换目前的供应商，对方交期不稳，希望月供 5 万件左右，先小批量试。',
    '门店扩到 30 家，需要统一的进销存和会员系统，老系统数据要迁过来。',
    '车间要做恒温改造，问了空调和新风的整体方案，预算还在走审批。',
  ],
  formMessage: [
    '你好，我们是做外贸的，想了解专业版能不能多个业务员共用客户池，请尽快联系。',
    '请发一份企业版报价，30 个账号左右，需要开增值税专用发票。',
    '看到官网的案例，想约个线上演示，工作日下午都可以。',
  ],
  boothNote: [
    '在展台聊了 20 分钟，关注设备的换型速度，手上有一个新厂房项目。',
    '拿了样册，对耗材价格敏感，说下个月会对比三家供应商。',
    '老板亲自来的，想看现场演示，留了微信，说回去和技术商量。',
  ],
  needSummary: [
    '销售团队 25 人，现在用表格管客户，经常撞单；预算 10 万以内，希望三月上线。',
    '两个分公司各管各的，老板想看统一报表；IT 只有一个人，要求部署简单。',
  ],
  meetingNote: [
    '演示了线索分配和公海规则，对方销售总监比较认可，要求补一份实施计划。',
    '财务也参加了，关心发票和付款节点；下周给正式报价。',
  ],
  followUpNote: [
    '电话沟通，客户确认了需求，约了下周二上门看现场。',
    '微信发了方案和案例，对方说周五前给反馈，周四再跟一次。',
    '拜访了采购和技术，技术认可方案，采购在压价，先不松口。',
    '客户内部在走预算流程，月底前有结果，保持每周联系。',
  ],
  productSpec: [
    '不锈钢支架，厚度 2.0mm，公差 ±0.05，表面拉丝，需出厂检验报告。',
    '铝合金外壳，阳极氧化黑色，盐雾测试 48 小时，附 3D 图纸。',
  ],
  customerFeedback: [
    '单价比预期高 6% 左右，希望年量过 5 万件时再降一点。',
    '技术对公差没意见，采购要求交期压到 20 天。',
    '看了新报价，可以先打样，样品费同意承担一半。',
  ],
  qualityNote: ['首批有 3 件毛刺超标，已返工并加了一道去毛刺工序。'],
  legalOpinion: ['违约责任条款已按我方模板修改，知识产权条款对方接受。'],
  financeOpinion: ['客户近两年回款正常，同意 30 天账期，授信按年采购额的 20%。'],
  handoverNote: [
    '客户决策人是总经理，日常对接采购经理；承诺免费培训两次，首年上门巡检四次。',
    '合同约定 30% 预付款，余款验收后 30 天内付清；客户对交期很在意，务必提前沟通。',
  ],
  products: ['自动封箱机 2 台，配套胶带 200 卷', '工业空调 5 套，新风机 2 台'],
  promisedItems: ['赠送一年耗材；安装后免费培训一次；账期 60 天（已获特批）'],
  returnReason: ['缺少客户收货地址和安装现场联系人电话。'],
  supplementNote: ['已补充收货地址和现场联系人，安装时间客户希望安排在周末。'],
  issueNote: ['客户反映设备运行噪音偏大，影响车间通话。'],
  resolutionNote: ['上门更换了减震垫并调整转速，客户确认问题解决。'],
  pendingItems: ['两份报价待客户确认；一家客户有 8 万元尾款未回；一单投诉在处理中。'],
  receivablesNote: ['尾款由接手人跟进，财务每周同步一次回款进度。'],
  retentionReview: ['30 天内重点客户全部完成交接，无流失；一家客户要求换回原对接人，已沟通。'],
  lostAccountsNote: ['两家小客户转向竞品，原因是价格；已录入流失原因。'],
  cancelReason: ['员工撤回离职申请，交接取消。'],
  lostNote: [
    '客户最终选了本地供应商，价格低 8%，交期也更短。',
    '项目因预算冻结取消，明年一季度再联系。',
  ],
};

const GENERAL_NOTES = [
  '已电话确认，客户没有异议。',
  '客户要求下周再联系，届时给答复。',
  '资料已发送，等待客户内部评审。',
];

/** Text fields by key; the customer's own fields come from its demo customer. */
function textValue(key: string, c: ValueContext): string | null {
  const d = c.customer;
  const year = new Date(c.at).getUTCFullYear();
  const seq = String(100 + ((c.n * 37) % 900));
  switch (key) {
    case 'company':
      return d.company;
    case 'contactName':
    case 'name':
      return d.contactName;
    case 'region':
      return d.region;
    case 'wechat':
      return d.wechat;
    case 'jobTitle':
      return pick(['采购经理', '总经理', '设备部主管', '技术总监', '行政主管'], c.n);
    case 'exhibition':
      return pick(
        ['2026 中国国际工业博览会（上海）', '第 139 届广交会', '2026 深圳国际电子展'],
        c.n,
      );
    case 'decisionMaker':
      return pick(['总经理 ', '采购总监 ', '副总 '], c.n) + d.decisionMaker;
    case 'material':
      return pick(['SUS304 不锈钢，拉丝', '6061 铝合金，阳极氧化', 'PA66 加纤，本色'], c.n);
    case 'quoteNo':
      return `BJ-${year}-${seq}`;
    case 'trackingNo':
      return `SF${String(1_300_000_000_000 + c.n * 7_919)}`;
    case 'trialPoNo':
      return `PO${year}${seq}`;
    case 'contractNo':
      return `HT-${year}-${seq}`;
    case 'repurchaseOrderNo':
      return `DD${year}${seq}2`;
    default:
      return null;
  }
}

const NUMBERS: Record<string, (n: number) => number> = {
  annualVolume: (n) => 20_000 + (n % 5) * 10_000,
  moq: () => 1000,
  leadTimeDays: (n) => 20 + (n % 3) * 5,
  grossMargin: (n) => 22 + (n % 4) * 3,
  sampleQty: () => 20,
  trialQty: (n) => 2000 + (n % 3) * 500,
  callAttempts: () => 3,
  discountRate: (n) => 5 + (n % 3) * 2,
  consumableCycleDays: () => 90,
  accountCount: (n) => 30 + (n % 10),
  keyAccountCount: () => 6,
  openDealCount: () => 9,
  lostAccountCount: () => 2,
};

const MONEY: Record<string, (n: number) => number> = {
  budget: (n) => 180_000 + (n % 6) * 40_000,
  proposalAmount: (n) => 168_000 + (n % 6) * 38_000,
  contractAmount: (n) => 158_000 + (n % 6) * 36_000,
  unitPrice: (n) => 12.5 + (n % 4) * 1.5,
  sampleFee: () => 800,
  trialAmount: (n) => 26_000 + (n % 3) * 6_500,
  repurchaseAmount: (n) => 45_000 + (n % 4) * 12_000,
  estimatedAmount: (n) => 80_000 + (n % 5) * 30_000,
  creditLimit: () => 200_000,
  openDealAmount: () => 1_260_000,
  receivables: () => 86_000,
};

/** Date(time) fields that look ahead (a next step), the rest record what already happened. */
const AHEAD: Record<string, number> = {
  nextFollowUpAt: 1,
  meetingAt: 2,
  expectedCloseDate: 30,
  quoteValidUntil: 30,
  deliveryDate: 21,
  repurchaseRemindAt: 80,
  lastWorkingDay: 14,
};

/** Select values a record in this state would carry (a lead is graded before it is judged). */
const SELECTS: Record<string, readonly string[]> = {
  intentLevel: ['A', 'B'],
  leadGrade: ['A', 'B', 'C'],
  satisfaction: ['satisfied', 'very_satisfied'],
  sampleResult: ['pass', 'pass_with_changes'],
  trialResult: ['accepted'],
  callResult: ['connected'],
  repurchaseIntent: ['yes', 'maybe'],
};

/**
 * A value for field `f` (null: leave it empty). `want` is what the action's gate requires of
 * it, when it requires a value; a note asked again differs from the one before.
 */
export function demoValue(f: FieldDef, c: ValueContext, want?: unknown): Fields[string] | null {
  if (want !== undefined) return want as Fields[string];
  const v = c.n + c.step;
  switch (f.type) {
    case 'text':
      return textValue(f.key, c);
    case 'longText':
      return pick(NOTES[f.key] ?? GENERAL_NOTES, v);
    case 'number':
      return NUMBERS[f.key]?.(c.n) ?? 1 + (c.n % 5);
    case 'money':
      return MONEY[f.key]?.(c.n) ?? 50_000 + (c.n % 5) * 10_000;
    case 'date':
    case 'datetime': {
      const ahead = AHEAD[f.key];
      const t = ahead !== undefined ? c.at + (ahead + c.step) * DAY : c.at - 3_600_000;
      const iso = new Date(t).toISOString();
      return f.type === 'date' ? iso.slice(0, 10) : iso;
    }
    case 'select': {
      const values = f.options?.map((o) => o.value) ?? [];
      const preferred = (SELECTS[f.key] ?? []).filter((x) => values.includes(x));
      if (f.key === 'industry') return values.find((x) => x === c.customer.industryKey) ?? 'other';
      return pick(preferred.length ? preferred : values, c.n) ?? null;
    }
    case 'multiSelect': {
      const values = f.options?.map((o) => o.value) ?? [];
      return values.length ? [pick(values, c.n), pick(values, c.n + 1)].filter(unique) : [];
    }
    case 'phone':
      return c.customer.phone;
    case 'email':
      return c.customer.email;
    case 'user':
      return f.key === 'successor' ? c.otherUserId : c.userId;
    case 'boolean':
      return true;
    case 'url':
      return urlValue(f.key, c);
  }
}

const unique = <T>(x: T, i: number, all: T[]) => all.indexOf(x) === i;

function urlValue(key: string, c: ValueContext): string {
  const id = (1_000_000 + c.n * 7_717).toString(36);
  switch (key) {
    case 'landingPage':
      return pick(
        ['https://www.closeloop.cn/pricing', 'https://www.closeloop.cn/cases/manufacturing'],
        c.n,
      );
    case 'drawingUrl':
      return `https://pan.baidu.com/s/1${id}Qx`;
    case 'cardPhotoUrl':
      return `https://files.closeloop.cn/cards/${id}.jpg`;
    default:
      return `https://docs.qq.com/sheet/D${id}`;
  }
}

/** What a gate requires of its facts: `equal`/`in` values (the first branch of an `any`). */
export function gateWants(
  gate: unknown,
  out: Map<string, unknown> = new Map(),
): Map<string, unknown> {
  if (!gate || typeof gate !== 'object') return out;
  const g = gate as {
    all?: unknown[];
    any?: unknown[];
    fact?: unknown;
    operator?: unknown;
    value?: unknown;
  };
  for (const c of g.all ?? []) gateWants(c, out);
  if (g.any?.length) gateWants(g.any[0], out);
  if (typeof g.fact === 'string' && !g.fact.startsWith('$') && !out.has(g.fact)) {
    if (g.operator === 'equal' && typeof g.value !== 'object') out.set(g.fact, g.value);
    if (g.operator === 'in' && Array.isArray(g.value)) out.set(g.fact, g.value[0]);
  }
  return out;
}
