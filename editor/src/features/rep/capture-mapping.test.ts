import { getTemplate } from '@closeloop/sop-library';
import { describe, expect, it } from 'vitest';
import type { SopVersionDoc } from './api.ts';
import { captureFields, captureMapping } from './capture-mapping.ts';

/** A library SOP's document, as the API would hand it over. */
function template(id: string): SopVersionDoc {
  const t = getTemplate(id);
  if (!t) throw new Error(`no library template ${id}`);
  return t.doc;
}
const closedLoop = template('closed-loop');
const inbound = template('inbound-web-lead');
const tradeShow = template('trade-show-leads');

const keys = (doc: unknown) => {
  const m = captureMapping(doc as SopVersionDoc);
  return Object.fromEntries(Object.entries(m).map(([slot, def]) => [slot, def?.key]));
};

describe('quick capture maps onto each SOP', () => {
  it('finds the library SOPs’ own fields', () => {
    expect(keys(inbound)).toEqual({
      name: 'contactName',
      phone: 'phone',
      email: 'email',
      company: 'company',
      note: 'formMessage',
    });
    expect(keys(closedLoop)).toMatchObject({
      name: 'contactName',
      phone: 'phone',
      company: 'company',
      source: 'leadSource',
      note: 'requirement',
    });
    expect(keys(tradeShow)).toMatchObject({ name: 'contactName', note: 'boothNote' });
  });

  it('puts a source the SOP cannot hold into the note', () => {
    const m = captureMapping(inbound);
    expect(
      captureFields(m, { name: ' 刘女士 ', source: '展会', note: '想看演示' }, '来源'),
    ).toEqual({
      contactName: '刘女士',
      formMessage: '想看演示\n来源: 展会',
    });
    const c = captureMapping(closedLoop);
    expect(captureFields(c, { name: 'A', source: 'referral' }, '来源')).toEqual({
      contactName: 'A',
      leadSource: 'referral',
    });
    // free text against a select: kept in the note rather than refused by the server
    expect(captureFields(c, { name: 'A', source: '朋友介绍' }, '来源')).toEqual({
      contactName: 'A',
      requirement: '来源: 朋友介绍',
    });
  });
});
