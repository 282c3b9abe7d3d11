/**
 * /customers/:customerId: owner, contacts, every record of every SOP with its stage, what is
 * open now, and one timeline across them.
 */
import {
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  List,
  Skeleton,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { useClaim, useCustomer, useRelease } from './api.ts';
import { CustomerEditSheet } from './customer-edit.tsx';
import { dateTime, day, displayName, loc } from './text.ts';
import './customers.css';

export function CustomerPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { customerId } = useParams();
  const me = useMe().data;
  const q = useCustomer(customerId);
  const claim = useClaim();
  const release = useRelease();
  const [editing, setEditing] = useState(false);
  if (q.isPending) return <Skeleton active />;
  if (!q.data)
    return <Empty description={q.error ? errorMessage(q.error) : t('customers.empty')} />;
  const { customer: c, contacts, records, timeline } = q.data;
  const open = records.filter((r) => r.status === 'open');
  const mine = c.ownerId === me?.id;
  const manages = me?.role === 'manager' || me?.role === 'admin';
  const done = (key: string) => ({
    onSuccess: () => void message.success(t(key)),
    onError: (e: unknown) => void message.error(errorMessage(e)),
  });
  const typeLabel = (type: string) =>
    i18n.exists(`customers.event.${type}`) ? t(`customers.event.${type}`) : type;
  return (
    <div className="cust-page" data-testid="customer-page">
      {editing && (
        <CustomerEditSheet
          detail={q.data}
          open={editing}
          onClose={() => {
            setEditing(false);
          }}
        />
      )}
      <div className="cust-head">
        <Typography.Title level={3} data-testid="customer-name">
          {displayName(c.name)}
        </Typography.Title>
        {(mine || manages) && c.poolState !== 'pool' && (
          <Button onClick={() => setEditing(true)} data-testid="customer-edit">
            {t('customers.edit.button')}
          </Button>
        )}
        {c.poolState === 'pool' ? (
          <Button
            type="primary"
            loading={claim.isPending}
            onClick={() => claim.mutate(c.id, done('customers.claimed'))}
          >
            {t('customers.claim')}
          </Button>
        ) : (
          (mine || manages) && (
            <Button
              loading={release.isPending}
              onClick={() => release.mutate(c.id, done('customers.released'))}
            >
              {t('customers.release')}
            </Button>
          )
        )}
      </div>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('customers.owner')}>
          {c.poolState === 'pool' ? (
            <Tag color="gold">{t('customers.inPool')}</Tag>
          ) : (
            (c.ownerName ?? '—')
          )}
        </Descriptions.Item>
        {c.protectedUntil !== null && (
          <Descriptions.Item label={t('customers.protectedUntil')}>
            {day(c.protectedUntil)}
          </Descriptions.Item>
        )}
        {c.uscc && <Descriptions.Item label={t('customers.uscc')}>{c.uscc}</Descriptions.Item>}
        {c.region && (
          <Descriptions.Item label={t('customers.facet.region')}>{c.region}</Descriptions.Item>
        )}
        {c.industry && (
          <Descriptions.Item label={t('customers.facet.industry')}>{c.industry}</Descriptions.Item>
        )}
        {c.source && (
          <Descriptions.Item label={t('customers.facet.source')}>{c.source}</Descriptions.Item>
        )}
      </Descriptions>
      <Card size="small" className="cust-section" title={t('customers.contacts')}>
        {contacts.length ? (
          <List
            size="small"
            dataSource={contacts}
            renderItem={(p) => (
              <List.Item data-testid="customer-contact">
                <span>{p.name ?? '—'}</span>
                <span>
                  {p.phone && (
                    <a href={c.poolState === 'pool' ? undefined : `tel:${p.phone}`}>{p.phone}</a>
                  )}{' '}
                  {p.email && <Typography.Text type="secondary">{p.email}</Typography.Text>}
                </span>
              </List.Item>
            )}
          />
        ) : (
          <Typography.Text type="secondary">{t('customers.noContacts')}</Typography.Text>
        )}
      </Card>
      <Card
        size="small"
        className="cust-section"
        title={t('customers.openNow', { count: open.length })}
      >
        <List
          size="small"
          dataSource={records}
          locale={{ emptyText: t('customers.noRecords') }}
          renderItem={(r) => (
            <List.Item data-testid={`customer-record-${r.id}`}>
              <div>
                {r.visible ? <Link to={`/records/${r.id}`}>{loc(r.sopName)}</Link> : loc(r.sopName)}
                <div>
                  <Typography.Text type="secondary">
                    {r.stages.map(loc).join(' · ')} · {r.ownerName ?? '—'}
                  </Typography.Text>
                </div>
              </div>
              <Tag color={r.status === 'open' ? 'blue' : r.status === 'won' ? 'green' : 'default'}>
                {t(`customers.status.${r.status}`)}
              </Tag>
            </List.Item>
          )}
        />
      </Card>
      <Card size="small" className="cust-section" title={t('customers.timeline')}>
        <Timeline
          items={timeline.slice(0, 50).map((e) => ({
            children: (
              <span>
                <Typography.Text>{typeLabel(e.type)}</Typography.Text>{' '}
                <Typography.Text type="secondary">
                  {e.actorName ?? t('customers.system')} · {dateTime(e.at)}
                </Typography.Text>
              </span>
            ),
          }))}
        />
      </Card>
    </div>
  );
}
