/**
 * Demo customers: Chinese companies by region and industry, their contacts with valid-format
 * mobiles (and a switchboard landline where a company has one), used for the seeded records'
 * fields, plus customers nobody owns waiting in the 公海 pool. Every phone and e-mail is unique
 * except where a duplicate is meant for the duplicates queue (LOOK_ALIKES).
 */
import type { FieldDef } from '@closeloop/engine';
import { pinyinKey } from '@closeloop/engine/customers';
import type { Db } from './db/client.ts';
import { createCustomerStmts, customerEventStmt } from './services/customers/customer-stmts.ts';
import { leadFacts } from './services/customers/facts.ts';

export type DemoCustomer = {
  company: string;
  contactName: string;
  /** The contact's mobile, written as a rep types it into a 手机号 field. */
  phone: string;
  /** The company's switchboard, where it has one. */
  landline: string | null;
  email: string;
  region: string;
  industry: string;
  /** The b2b template's industry option this company falls under. */
  industryKey: string;
  wechat: string;
  /** Who signs off at the customer (not the day-to-day contact). */
  decisionMaker: string;
};

const INDUSTRY_KEYS: Record<string, string> = {
  电子: 'electronics',
  机械制造: 'machinery',
  模具: 'machinery',
  五金: 'machinery',
  医疗器械: 'medical',
  汽车零部件: 'auto_parts',
};

const BOSSES = ['周国栋', '吴志勇', '郭春生', '何建军', '罗永平', '高德明', '林耀华', '谢振宇'];

function parse(rows: string, offset: number): DemoCustomer[] {
  return rows
    .trim()
    .split('\n')
    .map((line, i) => {
      const [company, contactName, phone, landline, email, region, industry] = line
        .split('|')
        .map((s) => s.trim());
      const py = pinyinKey(contactName) ?? 'kehu';
      return {
        company: company ?? '',
        contactName: contactName ?? '',
        phone: phone ?? '',
        landline: landline || null,
        email: email ?? '',
        region: region ?? '',
        industry: industry ?? '',
        industryKey: INDUSTRY_KEYS[industry ?? ''] ?? 'other',
        wechat: `${py}${(phone ?? '').slice(-4)}`,
        decisionMaker: BOSSES[(i + offset) % BOSSES.length] ?? '',
      };
    });
}

// company | contact | mobile | switchboard | e-mail | region | industry
/** Customers of the seeded records (one per record, in order, wrapping around). */
export const DEMO_CUSTOMERS: DemoCustomer[] = parse(
  `
上海华东建材贸易有限公司 | 王建国 | 13817623305 | 021-64231870 | wangjg@hdjc-trade.cn | 上海 | 建材
苏州恒信精密机械有限公司 | 李晓燕 | 13913562840 | 0512-66518823 | lixy@hengxin-jm.com | 江苏 | 机械制造
广州白云五金制品厂 | 陈志强 | 13602287731 | 020-87654321 | chenzq@baiyunwj.cn | 广东 | 五金
杭州西湖龙井茶业有限公司 | 周丽华 | 18657120938 | | zhoulh@xhlj-tea.com | 浙江 | 食品饮料
成都天府软件股份有限公司 | 刘洋 | 13880536120 | 028-85336120 | liuyang@tfsoft.com.cn | 四川 | 软件
宁波港通国际物流有限公司 | 张伟 | 13757402261 | | zhangwei@gangtong-log.com | 浙江 | 物流
深圳市南山智能科技有限公司 | 黄敏 | 13510087742 | 0755-26718800 | huangmin@nszn-tech.com | 广东 | 电子
青岛海润食品有限公司 | 孙立军 | 15363921187 | | sunlj@hairun-food.cn | 山东 | 食品饮料
武汉光谷新材料有限公司 | 吴静 | 18971625530 | 027-87625530 | wujing@ggxcl.com | 湖北 | 新材料
北京中关村医疗器械有限公司 | 赵鹏 | 13911758899 | 010-62758899 | zhaopeng@zgc-med.cn | 北京 | 医疗器械
东莞市长安模具有限公司 | 郑海涛 | 15922916634 | | zhenght@changan-mj.com | 广东 | 模具
天津滨海化工贸易有限公司 | 马秀英 | 13602127716 | 022-25327716 | maxy@binhai-chem.cn | 天津 | 化工
重庆两江汽车零部件有限公司 | 蒋文斌 | 13983046625 | 023-67851290 | jiangwb@liangjiang-auto.com | 重庆 | 汽车零部件
无锡太湖纺织印染有限公司 | 钱玉梅 | 13951518240 | | qianym@taihu-textile.cn | 江苏 | 纺织
济南泉城电力设备有限公司 | 韩磊 | 15853119062 | 0531-88217456 | hanlei@qc-power.com | 山东 | 电力设备
西安秦川机床配件有限公司 | 冯晓东 | 18691873340 | | fengxd@qinchuan-pj.cn | 陕西 | 机械制造
长春一汽富维配套有限公司 | 曹志远 | 13504318876 | 0431-85907733 | caozy@fw-peitao.com | 吉林 | 汽车零部件
福州闽江建筑装饰工程有限公司 | 邓丽君 | 13905913317 | | denglj@minjiang-zs.cn | 福建 | 建筑装饰
昆明滇池生物科技有限公司 | 彭海燕 | 15087132294 | | penghy@dianchi-bio.com | 云南 | 生物医药
南京金陵电子有限公司 | 沈浩 | 13851762208 | 025-84561120 | shenhao@jinling-elec.com | 江苏 | 电子
郑州中原农机有限公司 | 袁建伟 | 13703711945 | | yuanjw@zy-nongji.cn | 河南 | 农机
沈阳北方重工配件有限公司 | 于涛 | 13840272683 | 024-31256678 | yutao@bf-zg.com | 辽宁 | 机械制造
台州黄岩塑料模具厂 | 潘志华 | 13867612054 | | panzh@hy-mould.cn | 浙江 | 模具
中山古镇灯饰照明有限公司 | 梁美玲 | 13925378816 | 0760-22556810 | liangml@gz-lighting.com | 广东 | 灯饰照明
常州武进医疗用品有限公司 | 范晓峰 | 13961285537 | | fanxf@wj-medical.cn | 江苏 | 医疗器械
厦门集美电子科技有限公司 | 蔡雅琴 | 18659201168 | | caiyq@jm-etech.com | 福建 | 电子
长沙星沙工程机械配件有限公司 | 唐国强 | 13975188426 | 0731-84028860 | tanggq@xs-gjpj.cn | 湖南 | 机械制造
南昌赣江医药连锁有限公司 | 熊文华 | 13807915530 | | xiongwh@ganjiang-yy.com | 江西 | 医药零售
合肥庐阳家居有限公司 | 汪婷 | 15855163372 | | wangting@luyang-home.cn | 安徽 | 家居
石家庄华北制药设备有限公司 | 董立新 | 13931128809 | 0311-85563290 | donglx@hb-zysb.com | 河北 | 医疗器械
`,
  0,
);

/**
 * Look-alike customers for the duplicates queue: the same company written another way
 * (a branch in brackets, no 市 and no legal suffix) with a different contact, so only the
 * name matches and the customer is created flagged.
 */
export const LOOK_ALIKES: DemoCustomer[] = parse(
  `
苏州恒信精密机械有限公司（吴中分公司） | 高明 | 13776035518 | | gaoming@hengxin-jm.com | 江苏 | 机械制造
深圳南山智能科技 | 许可 | 13728854410 | | xuke@nszn-tech.com | 广东 | 电子
`,
  3,
);

/** Customers waiting in the public pool (no records yet: trade-show cards, old leads). */
const POOL_CUSTOMERS: DemoCustomer[] = parse(
  `
佛山顺德家电配件有限公司 | 梁志明 | 13632884410 | 0757-22810036 | liangzm@sd-jdpj.com | 广东 | 家电
温州瓯海鞋业有限公司 | 林小红 | 13706772213 | 0577-88652213 | linxh@ouhai-shoes.cn | 浙江 | 鞋服
合肥高新光电有限公司 | 何晨 | 18156097725 | | hechen@gx-gd.com | 安徽 | 电子
长沙岳麓印刷包装有限公司 | 彭丽 | 13974863390 | 0731-84563390 | pengli@yuelu-pack.cn | 湖南 | 包装
厦门鹭岛进出口有限公司 | 许文博 | 15060032218 | | xuwb@ludao-trade.com | 福建 | 外贸
嘉兴秀洲光伏材料有限公司 | 陆建明 | 13857326617 | | lujm@xz-pv.cn | 浙江 | 新能源
`,
  5,
);

const POOL_FIELDS: FieldDef[] = [
  { key: 'company', type: 'text', label: { 'zh-CN': '公司', en: 'Company' } },
  { key: 'contactName', type: 'text', label: { 'zh-CN': '联系人', en: 'Contact' } },
  { key: 'phone', type: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
  { key: 'landline', type: 'phone', label: { 'zh-CN': '总机', en: 'Switchboard' } },
  { key: 'email', type: 'email', label: { 'zh-CN': '邮箱', en: 'E-mail' } },
];

const POOL_SOURCES = ['展会', '官网', '老客户转介绍', '展会', '阿里巴巴询盘', '电话陌拜'];

/** Puts the pool customers in the workspace's 公海 (in one transaction). */
export async function seedPoolCustomers(db: Db, workspaceId: string, now: number): Promise<void> {
  const stmts = POOL_CUSTOMERS.flatMap((p, i) => {
    const id = crypto.randomUUID();
    const facts = {
      ...leadFacts(POOL_FIELDS, {
        company: p.company,
        contactName: p.contactName,
        phone: p.phone,
        ...(p.landline ? { landline: p.landline } : {}),
        email: p.email,
      }),
      source: POOL_SOURCES[i % POOL_SOURCES.length] ?? '展会',
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
