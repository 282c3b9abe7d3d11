/** One customer in a list: name, owner or pool, phone (masked in the pool), open records. */
import { PhoneOutlined, TeamOutlined } from '@ant-design/icons';
import { Card, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Customer } from './api.ts';
import { displayName } from './text.ts';

export function CustomerCard({ c, action }: { c: Customer; action?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card size="small" className="cust-card" data-testid={`customer-card-${c.id}`}>
      <div className="cust-card-top">
        <Link to={`/customers/${c.id}`} className="cust-card-name">
          <Typography.Text strong>{displayName(c.name)}</Typography.Text>
        </Link>
        {action}
      </div>
      <Space size={[8, 4]} wrap className="cust-card-meta">
        {c.poolState === 'pool' ? (
          <Tag color="gold">{t('customers.inPool')}</Tag>
        ) : (
          <Typography.Text type="secondary">
            <TeamOutlined /> {c.ownerName ?? t('customers.noOwner')}
          </Typography.Text>
        )}
        {c.phone && (
          <Typography.Text type="secondary" data-testid="customer-phone">
            <PhoneOutlined /> {c.phone}
          </Typography.Text>
        )}
        {c.region && <Tag>{c.region}</Tag>}
        {c.industry && <Tag>{c.industry}</Tag>}
        {c.flagged && <Tag color="red">{t('customers.flagged')}</Tag>}
        {c.openRecords > 0 && (
          <Typography.Text type="secondary">
            {t('customers.openRecords', { count: c.openRecords })}
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}
