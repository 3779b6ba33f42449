import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { security, type SecurityAlert } from '../../api/security.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { AlertsPanel } from './alerts-panel.js';
import { EntrySearch } from './entry-search.js';
import { mergeOpenAlerts, withFeedScans } from './feed.js';
import { GateTiles } from './gate-tiles.js';
import { IngestPanel } from './ingest-panel.js';
import { LiveFeed, useLiveFeed } from './live-feed.js';
import { usePolling } from './security-parts.js';

/** Gate tiles and sync health are refreshed this often; entries and alerts arrive live. */
const REFRESH_MS = 10_000;
/** A new entry from a gate refreshes the tiles this soon after (once per burst): its heartbeat may have news too. */
const ENTRY_REFRESH_MS = 1500;

/** Security staff: the control-room view of every gate, the live feed, open alerts, sync health and the entry search. */
export function SecurityDashboardPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('security.dashboard.pageTitle'));
  return (
    <RequireSession role="security-staff" title={t('security.dashboard.title')}>
      <Dashboard />
    </RequireSession>
  );
}

function Dashboard() {
  const { t } = useTranslation();
  const gates = usePolling(
    useCallback((signal: AbortSignal) => security.gates(signal), []),
    REFRESH_MS,
  );
  const ingest = usePolling(
    useCallback((signal: AbortSignal) => security.ingest(signal), []),
    REFRESH_MS,
  );
  const alerts = usePolling(
    useCallback((signal: AbortSignal) => security.alerts('open', signal), []),
    60_000,
  );
  const setAlerts = alerts.setData;
  const onAlertChanges = useCallback(
    (changes: readonly SecurityAlert[]) => setAlerts((current) => mergeOpenAlerts(current ?? [], changes)),
    [setAlerts],
  );
  const feed = useLiveFeed(onAlertChanges);
  // The tiles agree with the live feed: a scan in the feed is the tile's last scan at once, and the tiles are fetched
  // again shortly after new entries (the gate sends a heartbeat as soon as its state changes).
  const gateTiles = useMemo(() => withFeedScans(gates.data, feed.entries), [gates.data, feed.entries]);
  const refreshGates = gates.refresh;
  const newestEntry = feed.entries[0]?.eventId;
  const seenEntry = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (newestEntry === undefined || newestEntry === seenEntry.current) return;
    const first = seenEntry.current === undefined;
    seenEntry.current = newestEntry;
    if (first) return; // the entries of the last few minutes a fresh page gets, fetched with the tiles already
    const timer = window.setTimeout(() => void refreshGates(), ENTRY_REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [newestEntry, refreshGates]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  useEffect(() => {
    if (gates.updatedAt !== undefined) setNow(gates.updatedAt);
  }, [gates.updatedAt]);

  return (
    <div className="content page sec-dashboard">
      <div className="sec-dashboard__intro">
        <PageHeading className="page__title">{t('security.dashboard.title')}</PageHeading>
        <p className="page__intro">{t('security.dashboard.intro')}</p>
      </div>
      <div className="sec-dashboard__grid">
        <AlertsPanel
          alerts={alerts.data}
          error={alerts.data ? undefined : alerts.error?.text}
          onAcknowledged={(alert) => onAlertChanges([alert])}
        />
        <GateTiles gates={gateTiles} now={now} updatedAt={gates.updatedAt} error={gates.data ? undefined : gates.error?.text} />
        <LiveFeed entries={feed.entries} status={feed.status} onReconnect={feed.reconnect} />
        <IngestPanel status={ingest.data} unavailable={ingest.error !== undefined} />
        <EntrySearch gates={gates.data} />
      </div>
    </div>
  );
}
