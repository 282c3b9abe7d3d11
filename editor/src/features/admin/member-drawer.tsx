/**
 * One member's routing settings: weight (share of weighted rotation), cap on open records,
 * leave from–until (until empty: open-ended) and a working shift in the workspace's local
 * time with its weekdays (ISO: 1 = Monday … 7 = Sunday).
 */
import {
  Button,
  Checkbox,
  DatePicker,
  type DatePickerProps,
  Drawer,
  Form,
  Grid,
  InputNumber,
  Space,
  Switch,
  TimePicker,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberInput, MemberSettings } from './api.ts';
import { ErrorAlert } from './error-alert.tsx';

type MemberForm = {
  weight: number;
  cap: number | null;
  leaveFrom: Dayjs | null;
  leaveUntil: Dayjs | null;
  hasShift: boolean;
  shiftStart: Dayjs | null;
  shiftEnd: Dayjs | null;
  days: number[];
};

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const HHMM = 'HH:mm';

function toForm(m: MemberSettings): MemberForm {
  return {
    weight: m.weight ?? 1,
    cap: m.cap ?? null,
    leaveFrom: m.leaveFrom ? dayjs(m.leaveFrom) : null,
    leaveUntil: m.leaveUntil ? dayjs(m.leaveUntil) : null,
    hasShift: !!m.shift,
    shiftStart: m.shift ? dayjs(m.shift.start, HHMM) : dayjs('09:00', HHMM),
    shiftEnd: m.shift ? dayjs(m.shift.end, HHMM) : dayjs('18:00', HHMM),
    days: m.shift?.days ?? [1, 2, 3, 4, 5],
  };
}

function fromForm(userId: string, v: MemberForm): MemberInput {
  return {
    userId,
    weight: v.weight,
    cap: v.cap ?? null,
    leaveFrom: v.leaveFrom ? v.leaveFrom.second(0).millisecond(0).toISOString() : null,
    leaveUntil:
      v.leaveFrom && v.leaveUntil ? v.leaveUntil.second(0).millisecond(0).toISOString() : null,
    shift:
      v.hasShift && v.shiftStart && v.shiftEnd
        ? {
            start: v.shiftStart.format(HHMM),
            end: v.shiftEnd.format(HHMM),
            ...(v.days?.length ? { days: [...v.days].sort((a, b) => a - b) } : {}),
          }
        : null,
  };
}

export function MemberDrawer({
  member,
  name,
  saving,
  error,
  onClose,
  onSave,
}: {
  member: MemberSettings | null;
  name: string;
  saving: boolean;
  /** The last save's failure, if any. */
  error: unknown;
  onClose: () => void;
  onSave: (m: MemberInput) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<MemberForm>();
  const hasShift = Form.useWatch('hasShift', form);
  const screens = Grid.useBreakpoint();

  // filled when the drawer opens for a member; a background refetch of the team (a new
  // object for the same member) must not wipe what the admin is typing
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!member) {
      shown.current = null;
      return;
    }
    if (shown.current === member.userId) return;
    shown.current = member.userId;
    form.setFieldsValue(toForm(member));
  }, [member, form]);

  return (
    <Drawer
      open={member !== null}
      onClose={onClose}
      title={t('admin.member.title', { name })}
      size={screens.sm ? 440 : '100%'}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t('admin.cancel')}</Button>
          <Button
            type="primary"
            loading={saving}
            onClick={() => form.submit()}
            data-testid="member-save"
          >
            {t('admin.save')}
          </Button>
        </Space>
      }
      data-testid="member-drawer"
    >
      <Form<MemberForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => member && onSave(fromForm(member.userId, v))}
      >
        {error != null && <ErrorAlert title={t('admin.saveFailed')} error={error} />}
        <Form.Item
          name="weight"
          label={t('admin.member.weight')}
          extra={t('admin.member.weightHelp')}
          rules={[{ required: true, message: t('admin.member.weightRequired') }]}
        >
          <InputNumber min={0} max={1000} precision={0} data-testid="member-weight" />
        </Form.Item>
        <Form.Item name="cap" label={t('admin.member.cap')} extra={t('admin.member.capHelp')}>
          <InputNumber
            min={0}
            max={100_000}
            precision={0}
            placeholder={t('admin.member.noCap')}
            data-testid="member-cap"
          />
        </Form.Item>
        <LeaveFields />
        <Form.Item
          name="hasShift"
          label={t('admin.member.shift')}
          extra={t('admin.member.shiftHelp')}
          valuePropName="checked"
        >
          <Switch data-testid="member-has-shift" />
        </Form.Item>
        {hasShift && <ShiftFields />}
      </Form>
    </Drawer>
  );
}

/** A leave date and time (Form.Item gives it its value and onChange). */
function LeavePicker(props: DatePickerProps & { 'data-testid': string }) {
  return (
    <DatePicker
      showTime={{ format: HHMM }}
      format="YYYY-MM-DD HH:mm"
      className="admin-wide"
      {...props}
    />
  );
}

/** Leave from–until; until after from, and only with a from. */
function LeaveFields() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="leaveFrom" label={t('admin.member.leaveFrom')}>
        <LeavePicker data-testid="member-leave-from" />
      </Form.Item>
      <Form.Item
        name="leaveUntil"
        label={t('admin.member.leaveUntil')}
        extra={t('admin.member.leaveUntilHelp')}
        dependencies={['leaveFrom']}
        rules={[
          ({ getFieldValue }) => ({
            validator: (_, value: Dayjs | null) => {
              const from = getFieldValue('leaveFrom') as Dayjs | null;
              if (value && !from)
                return Promise.reject(new Error(t('admin.member.leaveNeedsFrom')));
              if (value && from && !value.isAfter(from)) {
                return Promise.reject(new Error(t('admin.member.leaveOrder')));
              }
              return Promise.resolve();
            },
          }),
        ]}
      >
        <LeavePicker data-testid="member-leave-until" />
      </Form.Item>
    </>
  );
}

/** The working shift's start, end and weekdays. */
function ShiftFields() {
  const { t } = useTranslation();
  return (
    <>
      <Space wrap>
        <Form.Item
          name="shiftStart"
          label={t('admin.member.shiftStart')}
          rules={[{ required: true, message: t('admin.member.shiftStartRequired') }]}
        >
          <TimePicker format={HHMM} minuteStep={5} data-testid="member-shift-start" />
        </Form.Item>
        <Form.Item
          name="shiftEnd"
          label={t('admin.member.shiftEnd')}
          rules={[{ required: true, message: t('admin.member.shiftEndRequired') }]}
        >
          <TimePicker format={HHMM} minuteStep={5} data-testid="member-shift-end" />
        </Form.Item>
      </Space>
      <Form.Item name="days" label={t('admin.member.days')} extra={t('admin.member.daysHelp')}>
        <Checkbox.Group
          data-testid="member-days"
          options={WEEKDAYS.map((d) => ({
            value: d,
            label: <span data-testid={`member-day-${d}`}>{t(`admin.weekdays.${d}`)}</span>,
          }))}
        />
      </Form.Item>
    </>
  );
}
