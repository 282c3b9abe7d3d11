import { Input, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { type DurationUnit, joinDuration, splitDuration, unitLabel } from '../duration.ts';

/** An ISO 8601 duration as amount + unit; anything more complex is edited as text. */
export function DurationInput({
  value,
  onChange,
  testid,
}: {
  value: string;
  onChange: (iso: string) => void;
  testid?: string;
}) {
  const { t } = useTranslation();
  const d = splitDuration(value);
  if (!d) {
    return <Input value={value} onChange={(e) => onChange(e.target.value)} data-testid={testid} />;
  }
  const units: DurationUnit[] = ['M', 'H', 'D', 'W'];
  return (
    <Space.Compact>
      <InputNumber
        min={1}
        max={9999}
        value={d.amount}
        onChange={(n) => onChange(joinDuration(Number(n ?? 1), d.unit))}
        data-testid={testid ? `${testid}-amount` : undefined}
        style={{ width: 90 }}
      />
      <Select<DurationUnit>
        value={d.unit}
        onChange={(u) => onChange(joinDuration(d.amount, u))}
        options={units.map((u) => ({ value: u, label: unitLabel(u, t) }))}
        style={{ width: 90 }}
        data-testid={testid ? `${testid}-unit` : undefined}
      />
    </Space.Compact>
  );
}
