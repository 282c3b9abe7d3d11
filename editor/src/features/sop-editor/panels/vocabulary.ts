/** The facts and operators the condition builder offers for this SOP, in the UI language. */
import { OPERATORS, SYSTEM_FACTS } from '@closeloop/engine';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store.ts';
import type { FactOption, OperatorOption } from './condition-builder.tsx';

export function useVocabulary(): { facts: FactOption[]; operators: OperatorOption[] } {
  const { i18n } = useTranslation();
  const fields = useEditor((s) => s.meta.fields);
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  return useMemo(() => {
    const facts: FactOption[] = fields.map((f) => ({
      value: f.key,
      label: f.label[lang] || f.key,
      type: f.type,
      ...(f.options
        ? { options: f.options.map((o) => ({ value: o.value, label: o.label[lang] || o.value })) }
        : {}),
    }));
    for (const [key, label] of Object.entries(SYSTEM_FACTS)) {
      facts.push({ value: key, label: `${label[lang]} (${key})`, type: 'system' });
    }
    const operators: OperatorOption[] = Object.entries(OPERATORS).map(([value, o]) => ({
      value,
      label: o.label[lang],
      valueKind: o.valueKind,
    }));
    return { facts, operators };
  }, [fields, lang]);
}
