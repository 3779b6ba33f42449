import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { identity } from '../../api/api.js';
import { isApiError } from '../../api/client.js';
import { CodeStep } from '../../forms/code-step.js';
import { errorText } from '../../forms/error-text.js';
import { EMAIL_PATTERN, Field, FormAlert, focusFirstInvalid } from '../../forms/fields.js';
import { currentLocale } from '../sign-in-page.js';
import { Section } from './section-parts.js';

type Step =
  | { readonly kind: 'view' }
  /** The new address; `error` is what the last try to send a code to it left to show. */
  | { readonly kind: 'new-email'; readonly email: string; readonly error?: unknown }
  /** The portal wants a fresh "it is me" first; `email` is the new address to come back to. */
  | { readonly kind: 'reauth-ask'; readonly email: string; readonly error?: string }
  | { readonly kind: 'reauth-code'; readonly email: string; readonly requestId: string; readonly sentAt: number }
  | { readonly kind: 'code'; readonly email: string; readonly requestId: string; readonly maskedEmail: string; readonly sentAt: number };

/** Server codes that are about the address typed, so they go next to the field. */
const EMAIL_FIELD_CODES = new Set(['email-taken', 'email-unchanged']);

/**
 * The sign-in email and how to change it: new address → code to it → changed. When the session has not
 * signed in or confirmed it is the alumnus in the last 10 minutes, the portal answers
 * `reauthentication-required` and we first send a code to the current address.
 */
export function SignInEmailSection({ email, onChanged }: { readonly email: string; readonly onChanged: (email: string) => void }) {
  const { t, i18n } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: 'view' });
  const [done, setDone] = useState<{ email: string; otherSessionsEnded: number }>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const changeButton = useRef<HTMLButtonElement>(null);
  const locale = currentLocale(i18n.resolvedLanguage);

  const close = () => {
    setStep({ kind: 'view' });
    setFieldError(undefined);
    requestAnimationFrame(() => changeButton.current?.focus());
  };

  /** Asks for a code to the new address; on "confirm it is you first" switches to that step. */
  const sendToNew = async (newEmail: string): Promise<void> => {
    try {
      const answer = await identity.emailChangeStart(newEmail, locale);
      setFieldError(undefined);
      setStep({ kind: 'code', email: newEmail, requestId: answer.requestId, maskedEmail: answer.maskedEmail, sentAt: Date.now() });
    } catch (error) {
      if (isApiError(error) && error.code === 'reauthentication-required') {
        setStep({ kind: 'reauth-ask', email: newEmail });
        return;
      }
      setStep({ kind: 'new-email', email: newEmail, error });
      const onField =
        isApiError(error) && ((error.code !== undefined && EMAIL_FIELD_CODES.has(error.code)) || (error.status === 400 && !error.code));
      setFieldError(onField ? errorText(t, i18n.resolvedLanguage, error) : undefined);
      if (onField) requestAnimationFrame(() => focusFirstInvalid(form.current));
    }
  };

  const submitNew = async (event: FormEvent) => {
    event.preventDefault();
    if (step.kind !== 'new-email') return;
    const value = step.email.trim();
    if (!EMAIL_PATTERN.test(value)) {
      setFieldError(value ? t('fields.emailInvalid') : t('fields.emailRequired'));
      setStep({ kind: 'new-email', email: step.email });
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    if (value.toLowerCase() === email.toLowerCase()) {
      setFieldError(t('errors.email-unchanged'));
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    await sendToNew(value);
    setBusy(false);
  };

  const sendReauthCode = async () => {
    if (step.kind !== 'reauth-ask') return;
    setBusy(true);
    try {
      const answer = await identity.reauthenticateStart(locale);
      setStep({ kind: 'reauth-code', email: step.email, requestId: answer.requestId, sentAt: Date.now() });
    } catch (error) {
      setStep({ kind: 'reauth-ask', email: step.email, error: errorText(t, i18n.resolvedLanguage, error) });
    } finally {
      setBusy(false);
    }
  };

  const formErrorOf = (error: unknown) => (error !== undefined && !fieldError ? errorText(t, i18n.resolvedLanguage, error) : undefined);

  return (
    <Section
      id="sign-in-email"
      title={t('profile.signInEmail.title')}
      actions={
        step.kind === 'view' && (
          <button
            ref={changeButton}
            type="button"
            className="button button--small button--quiet"
            aria-label={t('profile.signInEmail.changeLabel')}
            onClick={() => {
              setDone(undefined);
              setFieldError(undefined);
              setStep({ kind: 'new-email', email: '' });
            }}
          >
            {t('profile.signInEmail.change')}
          </button>
        )
      }
    >
      {done && (
        <FormAlert tone="success">
          <p>{t('profile.signInEmail.changed', { email: done.email })}</p>
          {done.otherSessionsEnded > 0 && <p>{t('profile.signInEmail.otherSessionsEnded', { count: done.otherSessionsEnded })}</p>}
        </FormAlert>
      )}
      <dl className="facts">
        <div>
          <dt>{t('profile.signInEmail.current')}</dt>
          <dd data-testid="sign-in-email">{email}</dd>
        </div>
      </dl>

      {step.kind === 'new-email' && (
        <form ref={form} className="form" onSubmit={(event) => void submitNew(event)} noValidate>
          <FormAlert>{formErrorOf(step.error)}</FormAlert>
          <Field
            label={t('profile.signInEmail.newEmail')}
            hint={t('profile.signInEmail.newEmailHint')}
            error={fieldError}
            type="email"
            name="newEmail"
            autoComplete="email"
            inputMode="email"
            value={step.email}
            onChange={(event) => setStep({ kind: 'new-email', email: event.target.value, error: step.error })}
            autoFocus
          />
          <div className="form__actions">
            <button type="submit" className="button button--brand" disabled={busy}>
              {t('profile.signInEmail.sendCode')}
            </button>
            <button type="button" className="button button--quiet" onClick={close} disabled={busy}>
              {t('profile.cancel')}
            </button>
          </div>
        </form>
      )}

      {step.kind === 'reauth-ask' && (
        <div className="form">
          <p className="form__lead">{t('profile.signInEmail.reauthIntro', { email })}</p>
          <FormAlert>{step.error}</FormAlert>
          <div className="form__actions">
            <button type="button" className="button button--brand" onClick={() => void sendReauthCode()} disabled={busy}>
              {t('profile.signInEmail.reauthSend')}
            </button>
            <button type="button" className="button button--quiet" onClick={close} disabled={busy}>
              {t('profile.cancel')}
            </button>
          </div>
        </div>
      )}

      {step.kind === 'reauth-code' && (
        <CodeStep
          key="reauth"
          sentTo={email}
          sentText={t('profile.signInEmail.reauthSent', { to: email })}
          sentAt={step.sentAt}
          onSent={(at) => setStep((current) => (current.kind === 'reauth-code' ? { ...current, sentAt: at } : current))}
          resend={async () => {
            const answer = await identity.reauthenticateStart(locale);
            setStep((current) => (current.kind === 'reauth-code' ? { ...current, requestId: answer.requestId } : current));
          }}
          verify={async (code) => {
            await identity.reauthenticateVerify(step.requestId, code);
            await sendToNew(step.email);
          }}
          onStartAgain={close}
          startAgainLabel={t('profile.cancel')}
          submitLabel={t('profile.signInEmail.reauthVerify')}
        />
      )}

      {step.kind === 'code' && (
        <CodeStep
          key={`change-${step.email}`}
          sentTo={step.maskedEmail}
          sentText={t('profile.signInEmail.codeSent', { to: step.maskedEmail })}
          sentAt={step.sentAt}
          onSent={(at) => setStep((current) => (current.kind === 'code' ? { ...current, sentAt: at } : current))}
          resend={async () => {
            const answer = await identity.emailChangeStart(step.email, locale);
            setStep((current) =>
              current.kind === 'code' ? { ...current, requestId: answer.requestId, maskedEmail: answer.maskedEmail } : current,
            );
          }}
          verify={async (code) => {
            const result = await identity.emailChangeVerify(step.requestId, code);
            setDone(result);
            setStep({ kind: 'view' });
            onChanged(result.email);
            requestAnimationFrame(() => changeButton.current?.focus());
          }}
          onStartAgain={() => {
            setFieldError(undefined);
            setStep({ kind: 'new-email', email: step.email });
          }}
          startAgainLabel={t('profile.signInEmail.useAnother')}
          submitLabel={t('profile.signInEmail.verify')}
        />
      )}
    </Section>
  );
}
