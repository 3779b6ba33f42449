import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client.js';
import { errorText } from './error-text.js';
import { CODE_PATTERN, Field, FormActions, FormAlert, focusFirstInvalid, useCountdown } from './fields.js';

export const RESEND_INTERVAL_MS = 60_000;

interface CodeStepProps {
  /** Where the code went (a masked or typed address), for the "we sent a code to …" line. */
  readonly sentTo: string;
  readonly verify: (code: string) => Promise<void>;
  /** Send a new code; left out where the flow has no resend (staff start over with the password). */
  readonly resend?: () => Promise<void>;
  /** Go back and use another email. */
  readonly onStartAgain: () => void;
  readonly startAgainLabel: string;
  /** ms since epoch of the last send, for the resend countdown. */
  readonly sentAt: number;
  /** Told when a resend went out; only flows with `resend` need it. */
  readonly onSent?: (at: number) => void;
  readonly submitLabel?: string;
  /** The "we sent a code" line, when the flow says it differently (e.g. registration always sends). */
  readonly sentText?: string;
}

/** "Enter the 6-digit code": verify, resend (once a minute, with a countdown), spam-folder hint. */
export function CodeStep({ sentTo, verify, resend, onStartAgain, startAgainLabel, sentAt, onSent, submitLabel, sentText }: CodeStepProps) {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [resendUntil, setResendUntil] = useState<number>(sentAt + RESEND_INTERVAL_MS);
  const wait = useCountdown(resendUntil);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = code.replace(/\s+/g, '');
    setFormError(undefined);
    setNotice(undefined);
    if (!CODE_PATTERN.test(value)) {
      setFieldError(t('code.invalid'));
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      await verify(value);
    } catch (error) {
      const text = errorText(t, i18n.resolvedLanguage, error);
      if (isApiError(error) && error.code === 'code-wrong') setFieldError(text);
      else setFormError(text);
      if (isApiError(error) && error.code === 'code-wrong') requestAnimationFrame(() => focusFirstInvalid(form.current));
      setBusy(false);
    }
  };

  const askAgain = async () => {
    if (!resend) return;
    setFormError(undefined);
    setNotice(undefined);
    setBusy(true);
    try {
      await resend();
      const now = Date.now();
      onSent?.(now);
      setResendUntil(now + RESEND_INTERVAL_MS);
      setCode('');
      setFieldError(undefined);
      setNotice(t('code.resent', { to: sentTo }));
    } catch (error) {
      if (isApiError(error) && error.retryAfterSeconds !== undefined) setResendUntil(Date.now() + error.retryAfterSeconds * 1000);
      setFormError(errorText(t, i18n.resolvedLanguage, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="form" onSubmit={(event) => void submit(event)} noValidate>
      <p className="form__lead">{sentText ?? t('code.sent', { to: sentTo })}</p>
      <p className="form__hint">{t('code.spamHint')}</p>
      <FormAlert tone="info">{notice}</FormAlert>
      <FormAlert>{formError}</FormAlert>
      <Field
        label={t('code.label')}
        hint={t('code.hint')}
        error={fieldError}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]*"
        maxLength={6}
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
        className="field--code"
        autoFocus
      />
      <FormActions busy={busy} submitLabel={submitLabel ?? t('code.submit')}>
        {resend && (
          <button type="button" className="button button--quiet" onClick={() => void askAgain()} disabled={busy || wait > 0}>
            {wait > 0 ? t('code.resendIn', { count: wait }) : t('code.resend')}
          </button>
        )}
      </FormActions>
      <p>
        <button type="button" className="link-button" onClick={onStartAgain}>
          {startAgainLabel}
        </button>
      </p>
    </form>
  );
}
