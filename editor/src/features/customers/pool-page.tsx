/**
 * /pool: the 公海 for reps, phone first: browse, filter by source, region and industry, claim.
 * Phones stay masked until a claim; a lost race (someone claimed first) says so.
 */
import { SettingOutlined } from '@ant-design/icons';
import { App, Button, Empty, Input, Select, Skeleton, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { type Customer, useClaim, usePoolCustomers } from './api.ts';
import { CustomerCard } from './customer-card.tsx';
import { PoolSettingsDrawer } from './pool-settings.tsx';
import './customers.css';

const FACETS = ['source', 'region', 'industry'] as const;
type Facet = (typeof FACETS)[number];

export function PoolPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const me = useMe().data;
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<Record<Facet, string>>({
    source: '',
    region: '',
    industry: '',
  });
  const [settings, setSettings] = useState(false);
  const all = usePoolCustomers({});
  const list = usePoolCustomers({ q, ...filters });
  const claim = useClaim();
  const options = useMemo(() => {
    const out: Record<Facet, string[]> = { source: [], region: [], industry: [] };
    for (const c of all.data?.items ?? []) {
      for (const f of FACETS) {
        const v = c[f];
        if (v && !out[f].includes(v)) out[f].push(v);
      }
    }
    return out;
  }, [all.data]);
  const onClaim = (c: Customer) =>
    claim.mutate(c.id, {
      onSuccess: () => {
        void message.success(t('customers.claimed'));
        navigate(`/customers/${c.id}`);
      },
      onError: (e) => void message.error(errorMessage(e)),
    });
  // the workspace default is the admins' to set (managers set their teams' overrides via the API)
  const boss = me?.role === 'admin';
  return (
    <div className="cust-page" data-testid="pool-page">
      <div className="cust-head">
        <Typography.Title level={3}>{t('customers.poolTitle')}</Typography.Title>
        {boss && (
          <Button
            icon={<SettingOutlined />}
            onClick={() => setSettings(true)}
            data-testid="pool-settings"
          >
            {t('customers.poolSettings')}
          </Button>
        )}
      </div>
      <Typography.Paragraph type="secondary">{t('customers.poolHint')}</Typography.Paragraph>
      <Input.Search
        allowClear
        placeholder={t('customers.search')}
        onSearch={setQ}
        style={{ marginBottom: 8 }}
      />
      <div className="cust-filters">
        {FACETS.map((f) => (
          <Select
            key={f}
            allowClear
            placeholder={t(`customers.facet.${f}`)}
            value={filters[f] || undefined}
            onChange={(v: string | undefined) => setFilters((o) => ({ ...o, [f]: v ?? '' }))}
            options={options[f].map((v) => ({ value: v, label: v }))}
            data-testid={`pool-filter-${f}`}
          />
        ))}
      </div>
      {list.isPending ? (
        <Skeleton active />
      ) : list.data?.items.length ? (
        <div className="cust-list">
          {list.data.items.map((c) => (
            <CustomerCard
              key={c.id}
              c={c}
              action={
                <Button
                  type="primary"
                  size="small"
                  loading={claim.isPending && claim.variables === c.id}
                  onClick={() => onClaim(c)}
                  data-testid={`claim-${c.id}`}
                >
                  {t('customers.claim')}
                </Button>
              }
            />
          ))}
        </div>
      ) : (
        <Empty description={t('customers.poolEmpty')} />
      )}
      {boss && <PoolSettingsDrawer open={settings} onClose={() => setSettings(false)} />}
    </div>
  );
}
