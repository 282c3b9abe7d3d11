/**
 * The sources tab: the funnel by source for a period and, optionally, one SOP. Until the user
 * picks a period the server's default applies (the last 30 days up to today in the workspace's
 * time zone, which the browser's clock does not know) and the picker shows that period.
 */
import { DatePicker, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSourceFunnel } from '../../shared/api/intake.ts';
import { useSops } from '../../shared/api/queries.ts';
import { loc } from '../../shared/loc.ts';
import { SourceFunnelTable } from '../../shared/ui/source-funnel.tsx';

export function SourcesTab() {
  const { t } = useTranslation();
  const sops = useSops();
  const [sopId, setSopId] = useState<string | undefined>();
  const [picked, setPicked] = useState<[Dayjs, Dayjs] | null>(null);
  const funnel = useSourceFunnel({
    ...(sopId ? { sopId } : {}),
    ...(picked ? { from: picked[0].format('YYYY-MM-DD'), to: picked[1].format('YYYY-MM-DD') } : {}),
  });
  const period = funnel.data?.period;
  const range: [Dayjs, Dayjs] | null =
    picked ?? (period ? [dayjs(period.from), dayjs(period.to)] : null);
  return (
    <div data-testid="intake-sources">
      <div className="intake-row">
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setPicked([v[0], v[1]])}
        />
        <Select
          allowClear
          placeholder={t('intake.sources.allSops')}
          value={sopId}
          onChange={setSopId}
          options={(sops.data?.items ?? []).map((s) => ({
            value: s.sopId,
            label: loc(s.name, s.sopId),
          }))}
        />
      </div>
      <Typography.Paragraph type="secondary">
        {t('intake.sources.hint', { n: funnel.data?.leads ?? 0 })}
      </Typography.Paragraph>
      <SourceFunnelTable
        rows={funnel.data?.sources}
        loading={funnel.isPending}
        testId="intake-source-table"
      />
    </div>
  );
}
