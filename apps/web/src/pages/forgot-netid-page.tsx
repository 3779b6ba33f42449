import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetIdDetails } from '../api/netid.js';
import { CodeStep } from '../forms/code-step.js';
import { FormAlert, focusFirstInvalid } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';
import { DetailsFields, detailsErrors, netid, netIdErrorText, trimmed, type DetailsErrors } from './netid-forms.js';
import { currentLocale } from './sign-in-page.js';

type Step =
  | { readonly kind: 'details' }
  | { readonly kind: 'code'; readonly ticket: string; readonly sentTo: string; readonly sentAt: number }
  | { readonly kind: 'shown'; readonly netId: string };

/** Forgot NetID (FAQ 10): details → a code to the registered email → the NetID shown. */
export function ForgotNetIdPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('netid.forgotNetIdTitle'));
  const [step, setStep] = useState<Step>({ kind: 'details' });
  const [details, setDetails] = useState<NetIdDetails>({ surname: '', givenName: '', dateOfBirth: '', personalId: '' });
  const [errors, setErrors] = useState<DetailsErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const found = detailsErrors(t, details);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    try {
      const sent = await netid.forgotNetIdStart(trimmed(details), currentLocale(i18n.resolvedLanguage));
      setStep({ kind: 'code', ticket: sent.ticket, sentTo: sent.maskedEmail, sentAt: Date.now() });
    } catch (error) {
      setFormError(netIdErrorText(t, i18n.resolvedLanguage, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('netid.forgotNetIdTitle')}</PageHeading>
      {step.kind === 'details' && (
        <>
          <p className="page__intro">{t('netid.forgotNetIdIntro')}</p>
          <form
            ref={form}
            className="form card"
            onSubmit={(event) => void submit(event)}
            noValidate
            aria-label={t('netid.forgotNetIdTitle')}
          >
            <FormAlert>{formError}</FormAlert>
            <DetailsFields details={details} errors={errors} onChange={setDetails} />
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
              const shown = await netid.forgotNetIdVerify(step.ticket, code);
              setStep({ kind: 'shown', netId: shown.netId });
            }}
            onStartAgain={() => setStep({ kind: 'details' })}
            startAgainLabel={t('netid.startAgain')}
          />
        </div>
      )}
      {step.kind === 'shown' && (
        <div className="card" role="status">
          <p>
            {t('netid.yourNetId')} <strong className="netid-value">{step.netId}</strong>
          </p>
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
