/** A record's or stage's time left as a tag: red when overdue, orange when due soon, else blue. */
import { Tag } from 'antd';
import type { TimeLeft } from './format.ts';

export function TimeLeftTag({
  left,
  className,
  testId,
}: {
  /** Nothing shows without a deadline. */
  left: TimeLeft | null;
  className?: string;
  testId?: string;
}) {
  if (!left || left.state === 'none') return null;
  return (
    <Tag
      color={left.state === 'overdue' ? 'red' : left.state === 'soon' ? 'orange' : 'blue'}
      className={className}
      data-testid={testId}
    >
      {left.text}
    </Tag>
  );
}
