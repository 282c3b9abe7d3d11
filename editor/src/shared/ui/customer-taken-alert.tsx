/**
 * The 撞单 refusal (quick capture, a customer's new contact): another rep owns the customer. Names
 * the owner (nothing else about the customer) and offers one-tap requests to the owner or to
 * the rep's manager.
 */
import { Alert, App, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod/mini';
import { ApiError, errorMessage, http, ok } from '../api/client.ts';

const Taken = z.object({
  code: z.literal('customer-taken'),
  customerId: z.string(),
  owner: z.object({ id: z.nullable(z.string()), name: z.nullable(z.string()) }),
});
export type Taken = z.infer<typeof Taken>;

/** The refusal in an error, or null when the error is something else. */
export function customerTakenOf(error: unknown): Taken | null {
  if (!(error instanceof ApiError)) return null;
  const r = Taken.safeParse(error.body);
  return r.success ? r.data : null;
}

export function CustomerTakenAlert({ taken }: { taken: Taken }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [sent, setSent] = useState<'owner' | 'manager' | null>(null);
  const ask = async (to: 'owner' | 'manager') => {
    try {
      await ok(
        http.POST('/customers/{customerId}/access-requests', {
          params: { path: { customerId: taken.customerId } },
          body: { to },
        }),
      );
      setSent(to);
      void message.success(t('customers.taken.asked'));
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };
  return (
    <Alert
      type="warning"
      showIcon
      className="rep-banner"
      data-testid="customer-taken"
      title={t('customers.taken.title', { owner: taken.owner.name ?? '—' })}
      description={
        <div>
          <div>{t('customers.taken.body')}</div>
          <Space wrap style={{ marginTop: 8 }}>
            <Button
              size="small"
              disabled={sent !== null}
              onClick={() => void ask('owner')}
              data-testid="ask-owner"
            >
              {t('customers.taken.askOwner')}
            </Button>
            <Button
              size="small"
              disabled={sent !== null}
              onClick={() => void ask('manager')}
              data-testid="ask-manager"
            >
              {t('customers.taken.askManager')}
            </Button>
          </Space>
        </div>
      }
    />
  );
}
