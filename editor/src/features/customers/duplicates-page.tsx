/**
 * /customers/duplicates: the queue for managers. Each pair opens a side-by-side field picker;
 * a dry run shows exactly what moves before the merge, and a merge can be undone.
 */
import { App, Button, Card, Empty, Modal, Radio, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import {
  type DuplicatePair,
  MERGE_FIELDS,
  type MergeField,
  type MergePlan,
  useDuplicatePairs,
  useMerge,
  useUnmerge,
} from './api.ts';
import { CustomerCard } from './customer-card.tsx';
import './customers.css';

function MergeModal({ pair, onClose }: { pair: DuplicatePair; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const merge = useMerge();
  const unmerge = useUnmerge();
  const [pick, setPick] = useState<Partial<Record<MergeField, string>>>({});
  const [plan, setPlan] = useState<MergePlan | null>(null);
  const ids: [string, string] = [pair.a.id, pair.b.id];
  const dryRun = merge.mutate;
  const [a, b] = ids;
  // the dry run decides the survivor (the rule) and shows what would move
  useEffect(() => {
    dryRun({ customerIds: [a, b], dryRun: true }, { onSuccess: setPlan });
  }, [a, b, dryRun]);
  const shown = (id: string, f: MergeField) => {
    const c = id === pair.a.id ? pair.a : pair.b;
    const v = c[f];
    return v === null || v === '' ? '—' : f === 'kind' ? t(`customers.kind.${v}`) : String(v);
  };
  const confirm = () =>
    merge.mutate(
      { customerIds: ids, pick, ...(plan ? { survivorId: plan.survivorId } : {}) },
      {
        onSuccess: (done) => {
          onClose();
          void message.success({
            content: (
              <span>
                {t('customers.merge.done')}{' '}
                <Button
                  size="small"
                  type="link"
                  data-testid="undo-merge"
                  onClick={() =>
                    unmerge.mutate(done.mergedId, {
                      onSuccess: () => void message.success(t('customers.merge.undone')),
                      onError: (e) => void message.error(errorMessage(e)),
                    })
                  }
                >
                  {t('customers.merge.undo')}
                </Button>
              </span>
            ),
            duration: 8,
          });
        },
        onError: (e) => void message.error(errorMessage(e)),
      },
    );
  return (
    <Modal
      open
      onCancel={onClose}
      title={t('customers.merge.title')}
      okText={t('customers.merge.confirm')}
      onOk={confirm}
      okButtonProps={
        { disabled: !plan, loading: merge.isPending, 'data-testid': 'merge-confirm' } as never
      }
      cancelText={t('customers.merge.cancel')}
      width={640}
    >
      {!plan ? (
        <Skeleton active />
      ) : (
        <div data-testid="merge-modal">
          <Typography.Paragraph>
            {t('customers.merge.survivor', {
              name: plan.survivorId === pair.a.id ? pair.a.name : pair.b.name,
            })}
          </Typography.Paragraph>
          {MERGE_FIELDS.map((f) => (
            <div key={f} className="cust-section">
              <Typography.Text strong>{t(`customers.field.${f}`)}</Typography.Text>
              <Radio.Group
                value={pick[f] ?? plan.survivorId}
                onChange={(e) => setPick((p) => ({ ...p, [f]: String(e.target.value) }))}
                className="cust-pair"
                data-testid={`merge-pick-${f}`}
              >
                {ids.map((id) => (
                  <Radio key={id} value={id}>
                    {shown(id, f)}
                  </Radio>
                ))}
              </Radio.Group>
            </div>
          ))}
          <Typography.Paragraph type="secondary" className="cust-section" data-testid="merge-moves">
            {t('customers.merge.moves', {
              records: plan.moves.records.length,
              contacts: plan.moves.contacts.length,
              keys: plan.moves.keys,
              events: plan.moves.events,
              timers: plan.moves.timers,
            })}
          </Typography.Paragraph>
        </div>
      )}
    </Modal>
  );
}

export function DuplicatesPage() {
  const { t } = useTranslation();
  const pairs = useDuplicatePairs();
  const [open, setOpen] = useState<DuplicatePair | null>(null);
  return (
    <div className="cust-page" data-testid="duplicates-page">
      <div className="cust-head">
        <Typography.Title level={3}>{t('customers.duplicatesTitle')}</Typography.Title>
      </div>
      {pairs.isPending ? (
        <Skeleton active />
      ) : pairs.data?.items.length ? (
        <div className="cust-list">
          {pairs.data.items.map((p) => (
            <Card
              key={`${p.a.id}-${p.b.id}`}
              size="small"
              title={p.matchedOn.map((k) => <Tag key={k}>{t(`customers.key.${k}`)}</Tag>)}
              extra={
                <Button
                  type="primary"
                  size="small"
                  onClick={() => setOpen(p)}
                  data-testid="merge-open"
                >
                  {t('customers.merge.open')}
                </Button>
              }
            >
              <div className="cust-pair">
                <CustomerCard c={p.a} />
                <CustomerCard c={p.b} />
              </div>
            </Card>
          ))}
        </div>
      ) : (
        <Empty description={t('customers.duplicatesEmpty')} />
      )}
      {open && <MergeModal pair={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
