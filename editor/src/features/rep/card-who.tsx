/** A record card's heading: who it is (contact or company) over the company, when both. */
import { Typography } from 'antd';
import type { recordTitle } from './format.ts';

export function CardWho({
  title,
  testId,
}: {
  title: ReturnType<typeof recordTitle>;
  testId?: string;
}) {
  return (
    <div className="rep-card-who">
      <Typography.Text strong className="rep-card-name" data-testid={testId}>
        {title.title}
      </Typography.Text>
      {title.subtitle && (
        <Typography.Text type="secondary" className="rep-card-company">
          {title.subtitle}
        </Typography.Text>
      )}
    </div>
  );
}
