import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchHealth, type DownDependency, type HealthSummary } from './health-status.js';

const REFRESH_MS = 60_000;

type StatusState = HealthSummary['state'] | 'checking';

/** One line saying whether the portal and its dependencies are up, refreshed every minute while visible. */
export function SystemStatus() {
  const { t } = useTranslation();
  const [summary, setSummary] = useState<HealthSummary | undefined>();
  const [checking, setChecking] = useState(false);
  const inFlight = useRef<AbortController | undefined>(undefined);

  const check = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setChecking(true);
    try {
      setSummary(await fetchHealth(window.fetch.bind(window), { signal: controller.signal }));
    } catch {
      return; // aborted: a newer check or unmount owns the state now
    }
    setChecking(false);
  }, []);

  useEffect(() => {
    void check();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void check();
    }, REFRESH_MS);
    const onOnline = (): void => void check();
    window.addEventListener('online', onOnline);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('online', onOnline);
      inFlight.current?.abort();
    };
  }, [check]);

  const describeDown = (down: readonly DownDependency[]): string => {
    if (down.length === 0) return t('status.degraded');
    const messages = down.map(({ kind, key }) =>
      kind === 'other' ? t('status.dependency.other', { name: key }) : t(`status.dependency.${kind}`),
    );
    return [...new Set(messages)].join(' · ');
  };

  const state: StatusState = summary?.state ?? 'checking';
  const text =
    summary === undefined
      ? t('status.checking')
      : summary.state === 'ok'
        ? t('status.ok')
        : summary.state === 'degraded'
          ? describeDown(summary.down)
          : t('status.unreachable');

  return (
    <div className="system-status" data-state={state}>
      <p className="system-status__line" role="status" data-testid="system-status" data-state={state}>
        <span className="system-status__dot" aria-hidden="true" />
        <span className="visually-hidden">{t('status.prefix')} </span>
        <span className="system-status__text">{text}</span>
      </p>
      {summary !== undefined && summary.state !== 'ok' && (
        <button type="button" className="button button--small button--quiet" onClick={() => void check()} disabled={checking}>
          {t('status.retry')}
        </button>
      )}
    </div>
  );
}
