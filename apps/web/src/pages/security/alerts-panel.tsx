import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NOTE_MAX, security, type SecurityAlert } from '../../api/security.js';
import { errorText } from '../../forms/error-text.js';
import { FormAlert } from '../../forms/fields.js';
import { StateLabel, useTimeFormat } from './security-parts.js';
import { isAlertKind, type Tone } from './wording.js';

const SEVERITY_TONE: Record<SecurityAlert['severity'], Tone> = { critical: 'bad', warning: 'warn', info: 'none' };

export function AlertsPanel({
  alerts,
  error,
  onAcknowledged,
}: {
  readonly alerts: readonly SecurityAlert[] | undefined;
  readonly error: string | undefined;
  readonly onAcknowledged: (alert: SecurityAlert) => void;
}) {
  const { t } = useTranslation();
  const [done, setDone] = useState<string>();
  return (
    <section className="sec-panel sec-alerts" aria-labelledby="sec-alerts-title">
      <div className="sec-panel__head">
        <h2 id="sec-alerts-title" className="sec-panel__title">
          {t('security.alerts.title')}
          {alerts && alerts.length > 0 && <span className="sec-count"> ({alerts.length})</span>}
        </h2>
      </div>
      <FormAlert>{error}</FormAlert>
      <FormAlert tone="success">{done}</FormAlert>
      {alerts === undefined && !error && <p role="status">{t('security.alerts.loading')}</p>}
      {alerts?.length === 0 && <p className="muted">{t('security.alerts.empty')}</p>}
      {alerts && alerts.length > 0 && (
        <ul className="sec-alerts__list">
          {alerts.map((alert) => (
            <AlertItem
              key={alert.id}
              alert={alert}
              onAcknowledged={(acknowledged, what) => {
                setDone(t('security.alerts.acknowledged', { what }));
                onAcknowledged(acknowledged);
              }}
            />
          ))}
        </ul>
      )}
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
      </dl>
      {!open ? (
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
