/**
 * Pull to refresh on touch screens: pulling down from the top of the scroll area past a
 * threshold refreshes. Pointer-only devices get the refresh button instead.
 */
import { ArrowDownOutlined, LoadingOutlined } from '@ant-design/icons';
import { type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

const THRESHOLD = 64;

function scrollTopOf(el: HTMLElement | null): number {
  for (let n: HTMLElement | null = el; n; n = n.parentElement) {
    if (n.scrollTop > 0) return n.scrollTop;
  }
  return window.scrollY;
}

export function PullToRefresh({
  onRefresh,
  refreshing,
  children,
}: {
  onRefresh: () => Promise<unknown>;
  refreshing: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const start = useRef<number | null>(null);
  const [pull, setPull] = useState(0);
  const [busy, setBusy] = useState(false);
  const active = busy || refreshing;
  return (
    <div
      ref={ref}
      data-testid="pull-to-refresh"
      onTouchStart={(e) => {
        const y = e.touches[0]?.clientY;
        start.current = y !== undefined && scrollTopOf(ref.current) <= 0 ? y : null;
      }}
      onTouchMove={(e) => {
        const y = e.touches[0]?.clientY;
        if (start.current === null || y === undefined) return;
        const dy = y - start.current;
        // resistance: the indicator moves slower than the finger
        setPull(dy > 0 ? Math.min(dy * 0.5, THRESHOLD * 1.5) : 0);
      }}
      onTouchEnd={async () => {
        const go = pull >= THRESHOLD;
        start.current = null;
        setPull(0);
        if (go && !active) {
          setBusy(true);
          try {
            await onRefresh();
          } finally {
            setBusy(false);
          }
        }
      }}
    >
      <div
        className="rep-ptr"
        style={{ height: active ? 36 : pull, opacity: active || pull > 8 ? 1 : 0 }}
        data-testid="pull-indicator"
        aria-live="polite"
      >
        {active ? (
          <>
            <LoadingOutlined /> {t('rep.next.refreshing')}
          </>
        ) : (
          <>
            <ArrowDownOutlined rotate={pull >= THRESHOLD ? 180 : 0} />{' '}
            {pull >= THRESHOLD ? t('rep.next.release') : t('rep.next.pull')}
          </>
        )}
      </div>
      {children}
    </div>
  );
}
