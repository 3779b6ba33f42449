import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NOTE_MAX, security, type AlertState, type SecurityAlert } from '../../api/security.js';
import { errorText } from '../../forms/error-text.js';
import { FormAlert } from '../../forms/fields.js';
import { StateLabel, useTimeFormat } from './security-parts.js';
import { isAlertKind, type Tone } from './wording.js';

const SEVERITY_TONE: Record<SecurityAlert['severity'], Tone> = { critical: 'bad', warning: 'warn', info: 'none' };

/** Acknowledged (and all) alerts are read a page at a time, older ones on request. */
export const ALERT_PAGE_SIZE = 20;

const STATES: readonly AlertState[] = ['open', 'acknowledged', 'all'];

/**
 * Open alerts (live: the feed adds and removes them), or, chosen with "Show", acknowledged or all alerts, read a page
 * at a time with "Older alerts".
 */
export function AlertsPanel({
  alerts,
  error,
  onAcknowledged,
}: {
  readonly alerts: readonly SecurityAlert[] | undefined;
  readonly error: string | undefined;
  readonly onAcknowledged: (alert: SecurityAlert) => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [done, setDone] = useState<string>();
  const [state, setState] = useState<AlertState>('open');
  const [paged, setPaged] = useState<{ readonly alerts: readonly SecurityAlert[]; readonly nextCursor: string | null }>();
  const [pageError, setPageError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const request = useRef(0);

  const loadPage = async (wanted: AlertState, cursor: string | null, previous: readonly SecurityAlert[]) => {
    const mine = ++request.current;
    setLoading(true);
    setPageError(undefined);
    try {
      const page = await security.alertPage(wanted, cursor, ALERT_PAGE_SIZE);
      if (mine !== request.current) return;
      const known = new Set(previous.map((alert) => alert.id));
      setPaged({ alerts: [...previous, ...page.alerts.filter((alert) => !known.has(alert.id))], nextCursor: page.nextCursor });
    } catch (failure) {
      if (mine === request.current) setPageError(errorText(t, i18n.resolvedLanguage, failure));
    } finally {
      if (mine === request.current) setLoading(false);
    }
  };

  useEffect(() => {
    setPaged(undefined);
    if (state !== 'open') void loadPage(state, null, []);
    else request.current++;
    // loadPage is recreated each render; the state alone decides what to load.
  }, [state]);

  const shown = state === 'open' ? alerts : paged?.alerts;
  const shownError = state === 'open' ? error : paged ? undefined : pageError;
  return (
    <section className="sec-panel sec-alerts" aria-labelledby="sec-alerts-title">
      <div className="sec-panel__head">
        <h2 id="sec-alerts-title" className="sec-panel__title">
          {state === 'open' ? t('security.alerts.title') : t(`security.alerts.titles.${state}`)}
          {state === 'open' && alerts && alerts.length > 0 && <span className="sec-count"> ({alerts.length})</span>}
        </h2>
        <div className="sec-alerts__state">
          <label htmlFor={`${id}-state`}>{t('security.alerts.show')}</label>
          <select id={`${id}-state`} value={state} onChange={(event) => setState(event.target.value as AlertState)}>
            {STATES.map((option) => (
              <option key={option} value={option}>
                {t(`security.alerts.states.${option}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <FormAlert>{shownError}</FormAlert>
      <FormAlert tone="success">{done}</FormAlert>
      {shown === undefined && !shownError && <p role="status">{t('security.alerts.loading')}</p>}
      {shown?.length === 0 && <p className="muted">{state === 'open' ? t('security.alerts.empty') : t('security.alerts.emptyAny')}</p>}
      {shown && shown.length > 0 && (
        <ul className="sec-alerts__list">
          {shown.map((alert) => (
            <AlertItem
              key={alert.id}
              alert={alert}
              onAcknowledged={(acknowledged, what) => {
                setDone(t('security.alerts.acknowledged', { what }));
                setPaged(
                  (current) =>
                    current && { ...current, alerts: current.alerts.map((known) => (known.id === acknowledged.id ? acknowledged : known)) },
                );
                onAcknowledged(acknowledged);
              }}
            />
          ))}
        </ul>
      )}
      {state !== 'open' && paged && (
        <div className="sec-alerts__more">
          {paged && pageError && <FormAlert>{pageError}</FormAlert>}
          {paged.nextCursor ? (
            <button
              type="button"
              className="button button--quiet button--small"
              disabled={loading}
              onClick={() => void loadPage(state, paged.nextCursor, paged.alerts)}
            >
              {t('security.alerts.older')}
            </button>
          ) : (
            paged.alerts.length > 0 && <p className="muted">{t('security.alerts.end')}</p>
          )}
        </div>
      )}
      {loading && paged && <p role="status">{t('security.alerts.loading')}</p>}
    </section>
  );
}

function AlertItem({
  alert,
  onAcknowledged,
}: {
  readonly alert: SecurityAlert;
  readonly onAcknowledged: (alert: SecurityAlert, what: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const { time } = useTimeFormat();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const kind = isAlertKind(alert.kind) ? t(`security.alerts.kinds.${alert.kind}`) : t('security.alerts.kinds.other');
  const what = alert.gateName ? `${kind} (${alert.gateName})` : kind;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = note.trim();
    const problem = !text
      ? t('security.alerts.noteRequired')
      : text.length > NOTE_MAX
        ? t('security.alerts.noteTooLong', { max: NOTE_MAX })
        : undefined;
    setNoteError(problem);
    if (problem) {
      document.getElementById(`${id}-note`)?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const acknowledged = await security.acknowledge(alert.id, text);
      onAcknowledged(acknowledged, what);
    } catch (failure) {
      setError(errorText(t, i18n.resolvedLanguage, failure));
      setBusy(false);
    }
  };

  return (
    <li className={`sec-alert sec-alert--${alert.severity}`} aria-labelledby={`${id}-title`} data-testid="alert" data-alert-id={alert.id}>
      <div className="sec-alert__head">
        <StateLabel tone={SEVERITY_TONE[alert.severity]}>{t(`security.alerts.severity.${alert.severity}`)}</StateLabel>
        <h3 id={`${id}-title`} className="sec-alert__title">
          {what}
        </h3>
        <span className="badge sec-alert__count">{t('security.alerts.count', { count: alert.count })}</span>
      </div>
      <p className="sec-alert__message">{alert.message}</p>
      <dl className="sec-alert__facts">
        <div>
          <dt>{t('security.alerts.raised')}</dt>
          <dd>
            <time dateTime={alert.raisedAt}>{time(alert.raisedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('security.alerts.lastSeen')}</dt>
          <dd>
            <time dateTime={alert.lastSeenAt}>{time(alert.lastSeenAt)}</time>
          </dd>
        </div>
        {alert.acknowledgedAt && (
          <div>
            <dt>{t('security.alerts.acknowledgedAt')}</dt>
            <dd>
              <time dateTime={alert.acknowledgedAt}>{time(alert.acknowledgedAt)}</time>
            </dd>
          </div>
        )}
        {alert.acknowledgedBy && (
          <div>
            <dt>{t('security.alerts.acknowledgedBy')}</dt>
            <dd>{alert.acknowledgedBy}</dd>
          </div>
        )}
        {alert.note && (
          <div>
            <dt>{t('security.alerts.note')}</dt>
            <dd>{alert.note}</dd>
          </div>
        )}
      </dl>
      {alert.acknowledgedAt ? null : !open ? (
        <button type="button" className="button button--quiet button--small" onClick={() => setOpen(true)}>
          {t('security.alerts.acknowledge')}
        </button>
      ) : (
        <form className="form sec-alert__form" onSubmit={(event) => void submit(event)} noValidate>
          <FormAlert>{error}</FormAlert>
          <div className={`field${noteError ? ' field--invalid' : ''}`}>
            <label className="field__label" htmlFor={`${id}-note`}>
              {t('security.alerts.note')}
            </label>
            <p className="field__hint" id={`${id}-hint`}>
              {t('security.alerts.noteHint')}
            </p>
            <textarea
              id={`${id}-note`}
              className="field__input"
              rows={2}
              required
              maxLength={NOTE_MAX}
              value={note}
              aria-describedby={noteError ? `${id}-hint ${id}-error` : `${id}-hint`}
              aria-invalid={noteError ? true : undefined}
              onChange={(event) => setNote(event.target.value)}
              autoFocus
            />
            {noteError && (
              <p className="field__error" id={`${id}-error`}>
                {noteError}
              </p>
            )}
          </div>
          <div className="form__actions">
            <button type="submit" className="button button--brand button--small" disabled={busy}>
              {t('security.alerts.confirm')}
            </button>
            <button type="button" className="button button--quiet button--small" disabled={busy} onClick={() => setOpen(false)}>
              {t('security.alerts.cancel')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
