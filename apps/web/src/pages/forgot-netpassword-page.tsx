import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetIdDetails } from '../api/netid.js';
import { CodeStep } from '../forms/code-step.js';
import { Field, FormAlert, focusFirstInvalid } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';
import { DetailsFields, detailsErrors, netid, netIdErrorText, trimmed, type DetailsErrors } from './netid-forms.js';
import { currentLocale } from './sign-in-page.js';

type Step =
  | { readonly kind: 'details' }
  | { readonly kind: 'code'; readonly ticket: string; readonly sentTo: string; readonly sentAt: number }
  | { readonly kind: 'done'; readonly netId: string };

/** Forgot NetPassword (FAQ 11): NetID and details → a code to the registered email → a new NetPassword. */
export function ForgotNetPasswordPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('netid.forgotPasswordTitle'));
  const [step, setStep] = useState<Step>({ kind: 'details' });
  const [netIdValue, setNetIdValue] = useState('');
  const [details, setDetails] = useState<NetIdDetails>({ surname: '', givenName: '', dateOfBirth: '', personalId: '' });
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<DetailsErrors & { netId?: string; password?: string }>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const found: typeof errors = detailsErrors(t, details);
    if (!netIdValue.trim()) found.netId = t('netid.netIdRequired');
    if ([...password].length < 8) found.password = t('netid.passwordTooShort');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    try {
      const sent = await netid.forgotPasswordStart(netIdValue.trim(), trimmed(details), currentLocale(i18n.resolvedLanguage));
      setStep({ kind: 'code', ticket: sent.ticket, sentTo: sent.maskedEmail, sentAt: Date.now() });
    } catch (error) {
      setFormError(netIdErrorText(t, i18n.resolvedLanguage, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('netid.forgotPasswordTitle')}</PageHeading>
      {step.kind === 'details' && (
        <>
          <p className="page__intro">{t('netid.forgotPasswordIntro')}</p>
          <form
            ref={form}
            className="form card"
            onSubmit={(event) => void submit(event)}
            noValidate
            aria-label={t('netid.forgotPasswordTitle')}
          >
            <FormAlert>{formError}</FormAlert>
            <Field
              label={t('netid.netId')}
              error={errors.netId}
              name="netId"
              autoComplete="username"
              value={netIdValue}
              onChange={(event) => setNetIdValue(event.target.value)}
            />
            <DetailsFields details={details} errors={errors} onChange={setDetails} />
            <Field
              label={t('netid.newPassword')}
              hint={t('netid.passwordHint')}
              error={errors.password}
              type="password"
              name="newPassword"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <div className="form__actions">
              <button type="submit" className="button button--brand" disabled={busy}>
                {t('netid.sendCode')}
              </button>
            </div>
          </form>
        </>
      )}
      {step.kind === 'code' && (
        <div className="card">
          <CodeStep
            sentTo={step.sentTo}
            sentAt={step.sentAt}
            onSent={() => undefined}
            verify={async (code) => {
              const reset = await netid.forgotPasswordReset(step.ticket, code, password);
              setStep({ kind: 'done', netId: reset.netId });
            }}
            onStartAgain={() => setStep({ kind: 'details' })}
            startAgainLabel={t('netid.startAgain')}
            submitLabel={t('netid.resetSubmit')}
          />
        </div>
      )}
      {step.kind === 'done' && (
        <div className="card" role="status">
          <p>{t('netid.passwordReset', { netId: step.netId })}</p>
          <p>
            <Link to="/sign-in" className="button button--brand">
              {t('netid.goSignIn')}
            </Link>
          </p>
        </div>
      )}
    </div>
  );
}
