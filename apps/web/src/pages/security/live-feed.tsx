import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SECURITY_FEED_PATH, type LiveEntry, type SecurityAlert } from '../../api/security.js';
import { FEED_CAP, FrameBatcher, mergeEntries } from './feed.js';
import { EntryWhat, FlagBadges, HolderView, StateLabel, useTimeFormat } from './security-parts.js';
import { gateAlertTone } from './wording.js';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

type FeedItem = { readonly entry: LiveEntry } | { readonly alert: SecurityAlert };

function parse<T>(event: Event): T | undefined {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return undefined;
  }
}

/** Keeps a hidden page's buffer bounded: the newest entries only (sorted and capped) and every alert change. */
function compact(items: FeedItem[]): FeedItem[] {
  const entries = mergeEntries(
    [],
    items.flatMap((item) => ('entry' in item ? [item.entry] : [])),
    FEED_CAP,
  );
  return [...items.filter((item) => 'alert' in item), ...entries.map((entry) => ({ entry }))];
}

/**
 * The live feed over server-sent events: entries (merged, newest first, capped) and alert changes (handed to
 * `onAlerts`), both batched per animation frame. EventSource reconnects by itself after a drop ("reconnecting");
 * when the portal refuses the stream it stays closed until `reconnect`.
 */
export function useLiveFeed(onAlerts: (alerts: SecurityAlert[]) => void) {
  const [entries, setEntries] = useState<LiveEntry[]>([]);
  const [status, setStatus] = useState<FeedStatus>('connecting');
  const [attempt, setAttempt] = useState(0);
  const onAlertsRef = useRef(onAlerts);
  onAlertsRef.current = onAlerts;

  useEffect(() => {
    const source = new EventSource(SECURITY_FEED_PATH);
    const batcher = new FrameBatcher<FeedItem>(
      (items) => {
        const arrived = items.flatMap((item) => ('entry' in item ? [item.entry] : []));
        const alerts = items.flatMap((item) => ('alert' in item ? [item.alert] : []));
        if (arrived.length > 0) setEntries((current) => mergeEntries(current, arrived));
        if (alerts.length > 0) onAlertsRef.current(alerts);
      },
      (run) => window.requestAnimationFrame(run),
      (handle) => window.cancelAnimationFrame(handle),
      compact,
      FEED_CAP * 4,
    );
    source.addEventListener('open', () => setStatus('live'));
    source.addEventListener('error', () => setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
    source.addEventListener('entry', (event) => {
      const entry = parse<LiveEntry>(event);
      if (entry?.eventId) batcher.push({ entry });
    });
    source.addEventListener('alert', (event) => {
      const alert = parse<SecurityAlert>(event);
      if (alert?.id) batcher.push({ alert });
    });
    return () => {
      source.close();
      batcher.stop();
    };
  }, [attempt]);

  const reconnect = () => {
    setStatus('connecting');
    setAttempt((current) => current + 1);
  };
  return { entries, status, reconnect };
}

export function LiveFeed({
  entries,
  status,
  onReconnect,
}: {
  readonly entries: readonly LiveEntry[];
  readonly status: FeedStatus;
  readonly onReconnect: () => void;
}) {
  const { t } = useTranslation();
  return (
    <section className="sec-panel sec-feed" aria-labelledby="sec-feed-title">
      <div className="sec-panel__head">
        <h2 id="sec-feed-title" className="sec-panel__title">
          {t('security.feed.title')}
        </h2>
        <p className={`sec-feed__status sec-feed__status--${status}`} role="status" data-testid="feed-status" data-status={status}>
          {status === 'live' ? (
            <StateLabel tone="ok">{t('security.feed.live')}</StateLabel>
          ) : status === 'connecting' ? (
            t('security.feed.connecting')
          ) : status === 'reconnecting' ? (
            <StateLabel tone="warn">{t('security.feed.reconnecting')}</StateLabel>
          ) : (
            <StateLabel tone="bad">{t('security.feed.closed')}</StateLabel>
          )}
        </p>
        {status === 'closed' && (
          <button type="button" className="button button--quiet button--small" onClick={onReconnect}>
            {t('security.feed.reconnect')}
          </button>
        )}
      </div>
      {entries.length === 0 ? (
        <p className="muted">{t('security.feed.empty')}</p>
      ) : (
        <>
          <p className="sec-panel__note">{t('security.feed.shown', { count: entries.length })}</p>
          <ol className="sec-feed__list" aria-label={t('security.feed.title')}>
            {entries.map((entry) => (
              <FeedRow key={entry.eventId} entry={entry} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** One entry; memoised, so a new frame of entries renders only the rows that are new. */
export const FeedRow = memo(function FeedRow({ entry }: { readonly entry: LiveEntry }) {
  const { t } = useTranslation();
  const { time } = useTimeFormat();
  // A gate's recovery (clock trusted again …) is no alarm: no red edge.
  const tone =
    entry.type === 'scan'
      ? entry.decision === 'granted'
        ? 'granted'
        : 'denied'
      : entry.type === 'alert' && gateAlertTone(entry.reason) === 'ok'
        ? 'notice'
        : entry.type;
  return (
    <li className={`sec-entry sec-entry--${tone}`} data-testid="feed-entry" data-event-id={entry.eventId}>
      <time className="sec-entry__time" dateTime={entry.occurredAt}>
        {time(entry.occurredAt)}
      </time>
      <span className="sec-entry__gate">{entry.gateName}</span>
      <span className="sec-entry__what">
        <EntryWhat entry={entry} />
      </span>
      <span className="sec-entry__who">
        {entry.decision === 'granted' ? (
          <HolderView holder={entry.holder} />
        ) : (
          entry.holder && <span className="sec-holder__name">{entry.holder.name}</span>
        )}
        {!entry.holder && entry.passId && <span className="sec-entry__pass">{t('security.feed.pass', { passId: entry.passId })}</span>}
      </span>
      <span className="sec-entry__flags">
        {!entry.clockTrusted && !entry.flags.includes('clock-untrusted') && (
          <span className="badge sec-flag sec-flag--clock-untrusted">{t('security.feed.clockUntrusted')}</span>
        )}
        <FlagBadges flags={entry.flags} />
      </span>
    </li>
  );
});
