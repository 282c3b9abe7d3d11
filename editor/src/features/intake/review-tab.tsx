/** The review tab: form submissions held as suspicious, each approved or discarded. */
import { CheckOutlined, DeleteOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Empty, Space, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { loc } from '../../shared/loc.ts';
import { type Held, useHeld, useReview } from './api.ts';
import { formatWhen } from './format.ts';

const REASONS = ['honeypot', 'too-fast', 'ip-rate', 'form-rate'];

export function ReviewTab() {
  const { t } = useTranslation();
  const held = useHeld();
  if (held.isPending) return <Spin />;
  if (held.error)
    return <Typography.Text type="danger">{errorMessage(held.error)}</Typography.Text>;
  return (
    <div data-testid="intake-review">
      <Typography.Paragraph type="secondary">{t('intake.review.hint')}</Typography.Paragraph>
      {held.data.length === 0 ? (
        <Empty description={t('intake.review.empty')} data-testid="review-empty" />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          {held.data.map((h) => (
            <HeldCard key={h.id} held={h} />
          ))}
        </Space>
      )}
    </div>
  );
}

function HeldCard({ held }: { held: Held }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const review = useReview();
  const act = async (verb: 'approve' | 'discard') => {
    try {
      const r = await review.mutateAsync({ id: held.id, verb });
      message.success(t(`intake.review.done.${r.status}`));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  const reason = held.reason && REASONS.includes(held.reason) ? held.reason : 'other';
  const utm = Object.entries((held.meta.utm as Record<string, string> | undefined) ?? {});
  const labelOf = (key: string) => loc(held.fields.find((f) => f.field === key)?.label, key);
  return (
    <Card
      size="small"
      className="held-card"
      data-testid={`held-${held.id}`}
      title={
        <span>
          {loc(held.formTitle, held.formId)}{' '}
          <Tag color="orange">{t(`intake.review.reasons.${reason}`)}</Tag>
        </span>
      }
      extra={<Typography.Text type="secondary">{formatWhen(held.createdAt)}</Typography.Text>}
    >
      <Descriptions size="small" column={1}>
        {Object.entries(held.values).map(([k, v]) => (
          <Descriptions.Item key={k} label={labelOf(k)}>
            {v}
          </Descriptions.Item>
        ))}
        {held.fillMs !== null && (
          <Descriptions.Item label={t('intake.review.fillTime')}>
            {t('intake.review.seconds', { n: Math.round(held.fillMs / 100) / 10 })}
          </Descriptions.Item>
        )}
        {utm.length > 0 && (
          <Descriptions.Item label="UTM">
            {utm.map(([k, v]) => `${k}=${v}`).join(' · ')}
          </Descriptions.Item>
        )}
      </Descriptions>
      <div className="intake-actions">
        <Button
          danger
          icon={<DeleteOutlined />}
          loading={review.isPending && review.variables?.verb === 'discard'}
          onClick={() => act('discard')}
          data-testid={`held-discard-${held.id}`}
        >
          {t('intake.review.discard')}
        </Button>
        <Button
          type="primary"
          icon={<CheckOutlined />}
          loading={review.isPending && review.variables?.verb === 'approve'}
          onClick={() => act('approve')}
          data-testid={`held-approve-${held.id}`}
        >
          {t('intake.review.approve')}
        </Button>
      </div>
    </Card>
  );
}
