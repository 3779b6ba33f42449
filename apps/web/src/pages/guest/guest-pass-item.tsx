import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { svgDataUrl, whatsappShareUrl, type GuestPass } from '../../api/passes.js';
import { EMAIL_PATTERN, FormAlert } from '../../forms/fields.js';
import { guestErrorText, guestPasses, wordsLanguage } from './guest-api.js';

/** One guest pass in the list: status, date in words, purpose, name; cancel (confirmed) and share while valid. */
export function GuestPassItem({
  pass,
  onChanged,
}: {
  readonly pass: GuestPass;
  readonly onChanged: (pass: GuestPass, message: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = wordsLanguage(i18n.resolvedLanguage);
  const id = useId();
  const [sharing, setSharing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const valid = pass.status === 'valid';
  const date = pass.dateInWords[language];

  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const cancelled = await guestPasses.cancel(pass.id);
      setConfirming(false);
      setSharing(false);
      onChanged(cancelled, t('guests.cancelled', { name: pass.guestName }));
    } catch (failure) {
      setError(guestErrorText(t, language, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`guest-pass guest-pass--${pass.status}`} data-testid="guest-pass" aria-labelledby={`${id}-name`}>
      <div className="guest-pass__head">
        <p className="guest-pass__name" id={`${id}-name`}>
          {pass.guestName}
        </p>
        <span className={`badge guest-pass__status guest-pass__status--${pass.status}`}>{t(`guests.statusValue.${pass.status}`)}</span>
      </div>
      <dl className="guest-pass__facts">
        <div>
          <dt>{t('guests.dateLabel')}</dt>
          <dd>
            <time dateTime={pass.date}>{date}</time>
          </dd>
        </div>
        <div>
          <dt>{t('guests.purposeLabel')}</dt>
          <dd>{pass.purpose}</dd>
        </div>
      </dl>
      <FormAlert>{error}</FormAlert>
      {valid && !confirming && (
        <div className="guest-pass__actions">
          <button
            type="button"
            className="button button--brand button--small"
            aria-expanded={sharing}
            aria-controls={`${id}-share`}
            onClick={() => setSharing((value) => !value)}
          >
            {sharing ? t('guests.hideShare') : t('guests.share')}
          </button>
          <button type="button" className="button button--quiet button--small" onClick={() => setConfirming(true)}>
            {t('guests.cancel')}
          </button>
        </div>
      )}
      {valid && confirming && (
        <div className="guest-pass__confirm" role="alertdialog" aria-labelledby={`${id}-confirm`}>
          <p id={`${id}-confirm`}>{t('guests.cancelConfirm', { name: pass.guestName, date })}</p>
          <div className="guest-pass__actions">
            <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => void cancel()}>
              {t('guests.cancelYes')}
            </button>
            <button type="button" className="button button--quiet button--small" autoFocus onClick={() => setConfirming(false)}>
              {t('guests.cancelNo')}
            </button>
          </div>
        </div>
      )}
      {valid && sharing && (
        <div id={`${id}-share`}>
          <SharePanel pass={pass} />
        </div>
      )}
    </li>
  );
}

/** FAQ 21: the QR code icon shares a guest's pass by email, WhatsApp or a copied link; the QR itself is shown too. */
function SharePanel({ pass }: { readonly pass: GuestPass }) {
  const { t, i18n } = useTranslation();
  const language = wordsLanguage(i18n.resolvedLanguage);
  const id = useId();
  const [qrSvg, setQrSvg] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const [to, setTo] = useState('');
  const [emailError, setEmailError] = useState<string>();
  const [sent, setSent] = useState<string>();
  const [sending, setSending] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const copiedTimer = useRef<number>(undefined);
  const linkInput = useRef<HTMLInputElement>(null);
  const date = pass.dateInWords[language];
  const link = pass.share?.link ?? '';

  useEffect(() => {
    const controller = new AbortController();
    guestPasses.get(pass.id, controller.signal).then(
      (full) => setQrSvg(full.qrSvg),
      (failure: unknown) => {
        if (!controller.signal.aborted) setLoadError(guestErrorText(t, language, failure));
      },
    );
    return () => controller.abort();
  }, [pass.id, t, language]);

  useEffect(() => () => window.clearTimeout(copiedTimer.current), []);

  const sendEmail = async (event: FormEvent) => {
    event.preventDefault();
    setSent(undefined);
    const address = to.trim();
    if (!EMAIL_PATTERN.test(address)) {
      setEmailError(t('guests.emailInvalid'));
      return;
    }
    setEmailError(undefined);
    setSending(true);
    try {
      const result = await guestPasses.shareByEmail(pass.id, address, language);
      setSent(t('guests.emailSent', { to: result.to }));
    } catch (failure) {
      setEmailError(guestErrorText(t, language, failure));
    } finally {
      setSending(false);
    }
  };

  const copy = async () => {
    window.clearTimeout(copiedTimer.current);
    try {
      await navigator.clipboard.writeText(link);
      setCopied('yes');
      copiedTimer.current = window.setTimeout(() => setCopied(undefined), 4000);
    } catch {
      setCopied('failed');
      linkInput.current?.select();
    }
  };

  const whatsapp = whatsappShareUrl(t('guests.whatsappMessage', { name: pass.guestName, date, link }));

  return (
    <section className="guest-share" aria-labelledby={`${id}-title`} data-testid="guest-share">
      <h3 id={`${id}-title`} className="guest-share__title">
        {t('guests.shareTitle', { name: pass.guestName })}
      </h3>
      <FormAlert>{loadError}</FormAlert>
      {qrSvg && (
        <img
          className="guest-share__qr"
          src={svgDataUrl(qrSvg)}
          alt={t('guests.qrAlt', { name: pass.guestName, date })}
          width="240"
          height="240"
          data-testid="guest-qr"
        />
      )}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-link`}>
          {t('guests.linkLabel', { name: pass.guestName })}
        </label>
        <input
          ref={linkInput}
          id={`${id}-link`}
          className="field__input guest-share__link"
          type="url"
          readOnly
          value={link}
          onFocus={(event) => event.target.select()}
        />
      </div>
      <div className="guest-share__buttons">
        <button type="button" className={`button button--small${copied === 'yes' ? ' button--copied' : ''}`} onClick={() => void copy()}>
          {copied === 'yes' ? `✓ ${t('guests.copied')}` : t('guests.copyLink')}
        </button>
        <a className="button button--small guest-share__whatsapp" href={whatsapp} target="_blank" rel="noopener noreferrer">
          {t('guests.whatsapp')}
        </a>
      </div>
      <p className="visually-hidden" role="status">
        {copied === 'yes' ? t('guests.copied') : ''}
      </p>
      {copied === 'failed' && <FormAlert>{t('guests.copyFailed')}</FormAlert>}
      <form className="guest-share__email" onSubmit={(event) => void sendEmail(event)} noValidate>
        <div className={`field${emailError ? ' field--invalid' : ''}`}>
          <label className="field__label" htmlFor={`${id}-email`}>
            {t('guests.emailLabel')}
          </label>
          <input
            id={`${id}-email`}
            className="field__input"
            type="email"
            autoComplete="off"
            inputMode="email"
            value={to}
            aria-invalid={emailError ? true : undefined}
            aria-describedby={emailError ? `${id}-email-error` : undefined}
            onChange={(event) => setTo(event.target.value)}
          />
          {emailError && (
            <p className="field__error" id={`${id}-email-error`}>
              {emailError}
            </p>
          )}
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--small" disabled={sending}>
            {t('guests.emailSend')}
          </button>
        </div>
        <FormAlert tone="success">{sent}</FormAlert>
      </form>
    </section>
  );
}
