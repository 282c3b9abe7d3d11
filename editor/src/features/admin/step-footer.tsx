/**
 * The footer of the admin dialogs that submit once and then show a result (invite, deactivate,
 * API token): Cancel and the submit button before, the result's buttons (Done, and any extra)
 * after.
 */
import { Button } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export type StepFooter = {
  /** Whether the result is shown (the second step). */
  done: boolean;
  close: () => void;
  submit: {
    label: string;
    onClick: () => void;
    loading: boolean;
    testId: string;
    danger?: boolean;
    disabled?: boolean;
  };
  /** The result's primary button: closes the dialog. */
  finish: { label: string; testId: string };
  /** Buttons before Done on the result step. */
  extra?: ReactNode[];
};

export function useStepFooter({
  done,
  close,
  submit,
  finish,
  extra = [],
}: StepFooter): ReactNode[] {
  const { t } = useTranslation();
  if (done) {
    return [
      ...extra,
      <Button key="done" type="primary" onClick={close} data-testid={finish.testId}>
        {finish.label}
      </Button>,
    ];
  }
  return [
    <Button key="cancel" onClick={close}>
      {t('admin.cancel')}
    </Button>,
    <Button
      key="submit"
      type="primary"
      danger={submit.danger}
      loading={submit.loading}
      disabled={submit.disabled}
      onClick={submit.onClick}
      data-testid={submit.testId}
    >
      {submit.label}
    </Button>,
  ];
}
