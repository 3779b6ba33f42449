import { useCallback, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { EntryHolder, LiveEntry } from '../../api/security.js';
import { CAMPUS_TIME_ZONE } from '../../api/security.js';
import { isApiError } from '../../api/client.js';
import { errorText } from '../../forms/error-text.js';
import { gateAlertTone, healthTone, isEntryFlag, isGateAlertCode, isReasonCode, type Tone } from './wording.js';

/** A glyph per tone, beside the words: state is never told by colour alone. */
export const TONE_ICON: Record<Tone, string> = { ok: '✓', warn: '⚠', bad: '✕', none: '–' };

/** A state in words with its icon, coloured by tone. */
export function StateLabel({ tone, children }: { readonly tone: Tone; readonly children: string }) {
  return (
    <span className={`sec-state sec-state--${tone}`}>
      <span className="sec-state__icon" aria-hidden="true">
        {TONE_ICON[tone]}
      </span>{' '}
      {children}
    </span>
  );
}

/** A gate's reported health of one part ('ok', 'fault', 'absent'; fire input 'normal', 'active'). */
export function HealthLabel({ value }: { readonly value: string | null }) {
  const { t } = useTranslation();
  const words =
    value === null
      ? t('security.none')
      : value === 'ok' || value === 'fault' || value === 'absent' || value === 'normal' || value === 'active'
        ? t(`security.gates.health.${value}`)
        : t('security.gates.health.other', { value });
  return <StateLabel tone={healthTone(value)}>{words}</StateLabel>;
}

/** A denial (or handheld) reason code in words; an unknown code is shown as itself. */
export function useReasonText(): (reason: string | null) => string {
  const { t } = useTranslation();
  return useCallback(
    (reason: string | null) =>
      reason === null ? '' : isReasonCode(reason) ? t(`security.reasons.${reason}`) : t('security.reasons.other', { code: reason }),
    [t],
  );
}

export function FlagBadges({ flags }: { readonly flags: readonly string[] }) {
  const { t } = useTranslation();
  if (flags.length === 0) return null;
  return (
    <ul className="sec-flags">
      {flags.map((flag) => (
        <li key={flag} className={`badge sec-flag sec-flag--${isEntryFlag(flag) ? flag : 'other'}`}>
          <span aria-hidden="true">⚑ </span>
          {isEntryFlag(flag) ? t(`security.flags.${flag}`) : t('security.flags.other', { flag })}
        </li>
      ))}
    </ul>
  );
}

/** What an entry was, in words: "Granted", "Denied: Pass is for another day", "Forced passage", "Passage: did not pass". */
export function EntryWhat({ entry }: { readonly entry: LiveEntry }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  if (entry.type === 'scan' && entry.decision) {
    const granted = entry.decision === 'granted';
    return (
      <span className="sec-what">
        <StateLabel tone={granted ? 'ok' : 'bad'}>{t(granted ? 'security.feed.granted' : 'security.feed.denied')}</StateLabel>
        {!granted && entry.reason && <span className="sec-what__reason">{reasonText(entry.reason)}</span>}
      </span>
    );
  }
  if (entry.type === 'alert') {
    const tone = gateAlertTone(entry.reason);
    return (
      <span className="sec-what">
        <StateLabel tone={tone}>{t(tone === 'ok' ? 'security.feed.types.notice' : 'security.feed.types.alert')}</StateLabel>
        {entry.reason && <span className="sec-what__reason">{gateAlertText(t, entry.reason)}</span>}
        {entry.operator && <span className="sec-what__reason">{t('security.feed.byOperator', { operator: entry.operator })}</span>}
      </span>
    );
  }
  const tone: Tone = entry.type === 'passage' && entry.passage === 'passed' ? 'ok' : entry.type === 'passage' ? 'warn' : 'bad';
  return (
    <span className="sec-what">
      <StateLabel tone={tone}>{t(`security.feed.types.${entry.type}`)}</StateLabel>
      {entry.passage && <span className="sec-what__reason">{t(`security.feed.passage.${entry.passage}`)}</span>}
      {entry.operator && <span className="sec-what__reason">{t('security.feed.openedBy', { operator: entry.operator })}</span>}
    </span>
  );
}

/** A gate alert's reason code in words; an unknown one (a newer gate) as "gate alert (code)". */
export function gateAlertText(t: TFunction, code: string): string {
  return isGateAlertCode(code) ? t(`security.feed.gateAlerts.${code}`) : t('security.feed.gateAlerts.other', { code });
}

/** The holder's name (and host, for a guest) with the eCard photo when the portal gives one. */
export function HolderView({ holder, size = 'small' }: { readonly holder: EntryHolder | null; readonly size?: 'small' | 'large' }) {
  const { t } = useTranslation();
  if (!holder) return null;
  const [width, height] = size === 'large' ? [150, 200] : [42, 56];
  return (
    <span className={`sec-holder sec-holder--${size}`}>
      {holder.photoUrl ? (
        <img
          className="sec-holder__photo"
          src={holder.photoUrl}
          alt={t('security.feed.photoOf', { name: holder.name })}
          width={width}
          height={height}
          loading={size === 'small' ? 'lazy' : 'eager'}
          // Photos are served only for today's admissions: a page left open overnight must not show broken images.
          onError={(event) => (event.currentTarget.hidden = true)}
        />
      ) : null}
      <span className="sec-holder__text">
        <span className="sec-holder__name">{holder.name}</span>
        {holder.kind === 'guest' && (
          <span className="sec-holder__host">
            {holder.hostName ? t('security.feed.guestOf', { host: holder.hostName }) : t('security.feed.guest')}
          </span>
        )}
      </span>
    </span>
  );
}

const campusDay = new Intl.DateTimeFormat('en-CA', { timeZone: CAMPUS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day of an instant in Hong Kong, YYYY-MM-DD. */
export const campusDate = (date: Date) => campusDay.format(date);

/** Intl formatters are costly to make: one per language and style, shared by every row of the feed. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, style: 'time' | 'dateTime'): Intl.DateTimeFormat {
  const key = `${language}|${style}`;
  let found = formatters.get(key);
  if (!found) {
    // Campus time (Hong Kong), whatever the device's zone: what the gates, reports and colleagues go by.
    found = new Intl.DateTimeFormat(
      language,
      style === 'time'
        ? { timeStyle: 'medium', timeZone: CAMPUS_TIME_ZONE }
        : { dateStyle: 'medium', timeStyle: 'medium', timeZone: CAMPUS_TIME_ZONE },
    );
    formatters.set(key, found);
  }
  return found;
}

/** Formats ISO times in the page's language: the time alone when it is today, else date and time. */
export function useTimeFormat(): { time: (iso: string | null) => string; dateTime: (iso: string | null) => string } {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const dateTime = useCallback(
    (iso: string | null) => {
      if (!iso) return t('security.none');
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : formatter(language, 'dateTime').format(date);
    },
    [language, t],
  );
  const time = useCallback(
    (iso: string | null) => {
      if (!iso) return t('security.none');
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return iso;
      const today = campusDate(new Date()) === campusDate(date);
      return today ? formatter(language, 'time').format(date) : dateTime(iso);
    },
    [dateTime, language, t],
  );
  return { time, dateTime };
}

/**
 * Loads now and again every `intervalMs` (skipped while the page is hidden), keeping the last good answer through a
 * failed refresh. `error` words the latest failure; `status` is its HTTP status (404: an endpoint not deployed yet).
 */
export function usePolling<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage;
  const [data, setData] = useState<T>();
  const [error, setError] = useState<{ text: string; status: number }>();
  const [updatedAt, setUpdatedAt] = useState<number>();
  const loadRef = useRef(load);
  loadRef.current = load;
  const controller = useRef<AbortController | undefined>(undefined);

  const refresh = useCallback(async () => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    try {
      const result = await loadRef.current(current.signal);
      if (current.signal.aborted) return;
      setData(result);
      setError(undefined);
      setUpdatedAt(Date.now());
    } catch (failure) {
      if (current.signal.aborted) return;
      if (isApiError(failure) && failure.signInRequired) return;
      setError({ text: errorText(t, language, failure), status: isApiError(failure) ? failure.status : 0 });
    }
  }, [t, language]);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => {
      if (!document.hidden) void refresh();
    }, intervalMs);
    return () => {
      window.clearInterval(timer);
      controller.current?.abort();
    };
  }, [refresh, intervalMs]);

  return { data, setData, error, updatedAt, refresh };
}
