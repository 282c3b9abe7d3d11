/**
 * /customers: the customers the caller may see, searchable by name or phone. A rep opens on
 * their own customers; a manager or admin, who seldom owns any, on all they may see.
 */
import { Button, Empty, Input, Segmented, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../shared/api/queries.ts';
import { useCustomers } from './api.ts';
import { CustomerCard } from './customer-card.tsx';
import './customers.css';

type Scope = 'mine' | 'all' | 'flagged';

export function CustomersPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  const [q, setQ] = useState('');
  const boss = me?.role === 'manager' || me?.role === 'admin';
  const [picked, setScope] = useState<Scope | null>(null);
  const scope: Scope = picked ?? (boss ? 'all' : 'mine');
  const query: Record<string, string> = {
    q,
    poolState: 'owned',
    ...(scope === 'mine' && me ? { ownerId: me.id } : {}),
    ...(scope === 'flagged' ? { flagged: 'true' } : {}),
  };
  const list = useCustomers(query);
  return (
    <div className="cust-page" data-testid="customers-page">
      <div className="cust-head">
        <Typography.Title level={3}>{t('customers.title')}</Typography.Title>
        <span>
          <Link to="/pool">
            <Button>{t('customers.poolLink')}</Button>
          </Link>{' '}
          {boss && (
            <Link to="/customers/duplicates">
              <Button data-testid="duplicates-link">{t('customers.duplicatesLink')}</Button>
            </Link>
          )}
        </span>
      </div>
      <Input.Search
        allowClear
        placeholder={t('customers.search')}
        onSearch={setQ}
        data-testid="customers-search"
        style={{ marginBottom: 8 }}
      />
      <Segmented<Scope>
        block
        value={scope}
        onChange={setScope}
        options={[
          { value: 'mine', label: t('customers.scopeMine') },
          { value: 'all', label: t('customers.scopeAll') },
          { value: 'flagged', label: t('customers.scopeFlagged') },
        ]}
        style={{ marginBottom: 12 }}
      />
      {list.isPending ? (
        <Skeleton active />
      ) : list.data?.items.length ? (
        <div className="cust-list">
          {list.data.items.map((c) => (
            <CustomerCard key={c.id} c={c} />
          ))}
        </div>
      ) : (
        <Empty description={t('customers.empty')} />
      )}
    </div>
  );
}
