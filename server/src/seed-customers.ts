/**
 * Demo customers: real-looking Chinese companies and people with valid-format phones, used
 * for the seeded records' fields, plus a few customers nobody owns in the 公海 pool.
 */
import type { FieldDef, Fields } from '@closeloop/engine';
import type { Db } from './db/client.ts';
import { createCustomerStmts, customerEventStmt } from './services/customers/customer-stmts.ts';
import { leadFacts } from './services/customers/facts.ts';

type DemoCustomer = {
  company: string;
  contactName: string;
  phone: string;
  email: string;
  region: string;
  industry: string;
};

const c = (
  company: string,
  contactName: string,
  phone: string,
  email: string,
  region: string,
  industry: string,
): DemoCustomer => ({ company, contactName, phone, email, region, industry });

/** Customers of the seeded records (one per record, in order, wrapping around). */
export const DEMO_CUSTOMERS: DemoCustomer[] = [
  c('上海华东建材贸易有限公司', '王建国', '138 1762 3305', 'wangjg@hdjc-trade.cn', '上海', '建材'),
  c(
    '苏州恒信精密机械有限公司',
    '李晓燕',
    '139 1356 2840',
    'lixy@hengxin-jm.com',
    '江苏',
    '机械制造',
  ),
  c('广州白云五金制品厂', '陈志强', '020-8765 4321', 'chenzq@baiyunwj.cn', '广东', '五金'),
  c(
    '杭州西湖龙井茶业有限公司',
    '周丽华',
    '186 5712 0938',
    'zhoulh@xhlj-tea.com',
    '浙江',
    '食品饮料',
  ),
  c('成都天府软件股份有限公司', '刘洋', '028-8533 6120', 'liuyang@tfsoft.com.cn', '四川', '软件'),
  c(
    '宁波港通国际物流有限公司',
    '张伟',
    '137 5740 2261',
    'zhangwei@gangtong-log.com',
    '浙江',
    '物流',
  ),
  c(
    '深圳市南山智能科技有限公司',
    '黄敏',
    '135 1008 7742',
    'huangmin@nszn-tech.com',
    '广东',
    '电子',
  ),
  c('青岛海润食品有限公司', '孙立军', '153 6392 1187', 'sunlj@hairun-food.cn', '山东', '食品饮料'),
  c('武汉光谷新材料有限公司', '吴静', '027-8762 5530', 'wujing@ggxcl.com', '湖北', '新材料'),
  c(
    '北京中关村医疗器械有限公司',
    '赵鹏',
    '010-6275 8899',
    'zhaopeng@zgc-med.cn',
    '北京',
    '医疗器械',
  ),
  c('东莞市长安模具有限公司', '郑海涛', '159 2291 6634', 'zhenght@changan-mj.com', '广东', '模具'),
  c('天津滨海化工贸易有限公司', '马秀英', '022-2532 7716', 'maxy@binhai-chem.cn', '天津', '化工'),
];

/** Customers waiting in the public pool (no records yet: trade-show cards, old leads). */
const POOL_CUSTOMERS: DemoCustomer[] = [
  c('佛山顺德家电配件有限公司', '梁志明', '136 3288 4410', 'liangzm@sd-jdpj.com', '广东', '家电'),
  c('温州瓯海鞋业有限公司', '林小红', '0577-8865 2213', 'linxh@ouhai-shoes.cn', '浙江', '鞋服'),
  c('合肥高新光电有限公司', '何晨', '181 5609 7725', 'hechen@gx-gd.com', '安徽', '电子'),
  c('长沙岳麓印刷包装有限公司', '彭丽', '0731-8456 3390', 'pengli@yuelu-pack.cn', '湖南', '包装'),
  c('厦门鹭岛进出口有限公司', '许文博', '150 6003 2218', 'xuwb@ludao-trade.com', '福建', '外贸'),
];

/** A demo customer's value for a field the seed fills (null: not a customer field). */
export function demoCustomerValue(f: FieldDef, i: number): Fields[string] | null {
  const d = DEMO_CUSTOMERS[i % DEMO_CUSTOMERS.length];
  if (!d) return null;
  if (f.type === 'phone') return d.phone;
  if (f.type === 'email') return d.email;
  if (f.type !== 'text') return null;
  if (f.key === 'company' || f.label['zh-CN'].includes('公司')) return d.company;
  if (/contactName|^name$/i.test(f.key)) return d.contactName;
  if (f.key === 'region') return d.region;
  if (f.key === 'industry') return d.industry;
  return null;
}

const POOL_FIELDS: FieldDef[] = [
  { key: 'company', type: 'text', label: { 'zh-CN': '公司', en: 'Company' } },
  { key: 'contactName', type: 'text', label: { 'zh-CN': '联系人', en: 'Contact' } },
  { key: 'phone', type: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
  { key: 'email', type: 'email', label: { 'zh-CN': '邮箱', en: 'E-mail' } },
];

/** Puts the pool customers in the workspace's 公海 (in one transaction). */
export async function seedPoolCustomers(db: Db, workspaceId: string, now: number): Promise<void> {
  const stmts = POOL_CUSTOMERS.flatMap((p, i) => {
    const id = crypto.randomUUID();
    const facts = {
      ...leadFacts(POOL_FIELDS, { ...p }),
      source: '展会',
      region: p.region,
      industry: p.industry,
    };
    const at = now - (i + 2) * 86_400_000;
    return [
      ...createCustomerStmts(workspaceId, {
        id,
        facts,
        ownerId: null,
        teamId: null,
        flagged: false,
        protectedUntil: null,
        now: at,
      }),
      {
        text: `update customers set pool_state = 'pool', released_at = to_timestamp($3::float8 / 1000)
                where workspace_id = $1 and id = $2`,
        params: [workspaceId, id, at],
      },
      customerEventStmt(workspaceId, id, 'customer.created', null, at, { channel: 'import' }),
    ];
  });
  await db.batch(stmts);
}
