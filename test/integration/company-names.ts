/**
 * Company names as a Chinese sales sheet holds them: city, a two- or three-character brand,
 * trade, legal suffix — deterministic for a seed. Names share cities and trades as real lists
 * do, so the similar-name search meets the trigram overlap it meets in production, not the
 * near-identical "公司5000" / "公司5001" that make every row similar to every other (and every
 * customer match scan the whole table).
 */
const CITIES =
  '北京 上海 广州 深圳 杭州 苏州 南京 成都 重庆 武汉 西安 天津 宁波 无锡 青岛 厦门 长沙 郑州 合肥 济南 佛山 东莞 福州 昆明 大连 沈阳 南昌 常州 温州 嘉兴'.split(
    ' ',
  );
const TRADES =
  '科技 贸易 机械 电子 餐饮 物流 建材 医疗器械 教育咨询 软件 食品 服饰 家居 化工 环保 汽车配件 文化传媒 印刷 包装 五金'.split(
    ' ',
  );
const CHARS = [
  ...'华兴达信诚和泰安瑞祥宏远恒通盛德隆鑫源丰嘉利顺新亿海天星宇博创智联晨光明阳正永金银宝富康乐美佳辰凯旭峰腾飞跃锦程东南西北中云山川江河湖林森青蓝红绿鼎立合众贝思维方圆启航润泽汇卓越',
];

/** A small integer hash (so neighbouring numbers get unrelated names). */
function mix(x: number): number {
  let h = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The company name of row `n`: the same number, the same name. */
export function companyName(n: number): string {
  let h = mix(n);
  const pick = <T>(xs: readonly T[]) => {
    const x = xs[h % xs.length] as T;
    h = mix(h + n);
    return x;
  };
  const brand = Array.from({ length: 2 + (n % 2) }, () => pick(CHARS)).join('');
  return `${pick(CITIES)}${brand}${pick(TRADES)}有限公司`;
}
