/**
 * The library's SOPs chain into one closed loop for the same customer: a lead (web or trade
 * show) hands off to the sales opportunity when qualified, the opportunity to after-sales when
 * won, after-sales to the repeat-purchase order when the customer reorders. Every handoff
 * validates against its target template, and the targets can be published first.
 */
import { findHandoffs, publishOrder, validate } from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { getTemplate, templates } from './index.ts';

const targets = (id: string) => getTemplate(id)?.doc;

describe('the library chain', () => {
  it('hands off only to library templates, with mappings that validate against them', () => {
    for (const t of templates) {
      for (const h of findHandoffs(t.doc)) expect(getTemplate(h.handoff.sopId), t.id).toBeDefined();
      expect(validate(t.doc, { targets }), t.id).toEqual([]);
    }
  });

  it('closes the loop: lead → opportunity → after-sales → repeat purchase', () => {
    const next = (id: string) => {
      const doc = getTemplate(id)?.doc;
      if (!doc) throw new Error(`no template ${id}`);
      return findHandoffs(doc).map((h) => h.handoff.sopId);
    };
    expect(next('inbound-web-lead')).toEqual(['b2b-manufacturing']);
    expect(next('trade-show-leads')).toEqual(['b2b-manufacturing']);
    expect(next('b2b-manufacturing')).toEqual(['after-sales-handoff']);
    expect(next('after-sales-handoff')).toEqual(['repeat-purchase']);
  });

  it('can be published in order: every target before the SOPs that hand off to it', () => {
    const order = publishOrder(templates.map((t) => t.doc)).map((d) => d.id);
    expect(order).toHaveLength(templates.length);
    for (const t of templates)
      for (const h of findHandoffs(t.doc))
        expect(order.indexOf(h.handoff.sopId), `${h.handoff.sopId} before ${t.id}`).toBeLessThan(
          order.indexOf(t.id),
        );
  });
});
