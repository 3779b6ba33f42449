import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetIdDetails } from '../api/netid.js';
import { FormActions, FormAlert } from '../forms/fields.js';
import { NO_IDENTITY_DETAILS, trimmedIdentity } from '../forms/identity-fields.js';
import { useFormSubmit } from '../forms/use-form-submit.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { DetailsFields, NetIdCodeStep, NetIdDone, YourNetId, detailsErrors, netid, netIdErrorText, type CodeSent } from './netid-forms.js';
import { currentLocale } from './sign-in-page.js';

type Step = { readonly kind: 'details' } | ({ readonly kind: 'code' } & CodeSent) | { readonly kind: 'shown'; readonly netId: string };

/** Forgot NetID (FAQ 10): details → a code to the registered email → the NetID shown. */
export function ForgotNetIdPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('netid.forgotNetIdTitle'));
  const [step, setStep] = useState<Step>({ kind: 'details' });
  const [details, setDetails] = useState<NetIdDetails>(NO_IDENTITY_DETAILS);
  const { form, errors, formError, busy, submit } = useFormSubmit<keyof NetIdDetails>(netIdErrorText);

  const start = (event: FormEvent) =>
    submit(event, {
      check: () => detailsErrors(t, details),
      send: async () => {
        const sent = await netid.forgotNetIdStart(trimmedIdentity(details), currentLocale(i18n.resolvedLanguage));
        setStep({ kind: 'code', ticket: sent.ticket, sentTo: sent.maskedEmail, sentAt: Date.now() });
      },
    });

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('netid.forgotNetIdTitle')}</PageHeading>
      {step.kind === 'details' && (
        <>
          <p className="page__intro">{t('netid.forgotNetIdIntro')}</p>
          <form
            ref={form}
            className="form card"
            onSubmit={(event) => void start(event)}
            noValidate
            aria-label={t('netid.forgotNetIdTitle')}
          >
            <FormAlert>{formError}</FormAlert>
            <DetailsFields details={details} errors={errors} onChange={setDetails} />
            <FormActions busy={busy} submitLabel={t('netid.sendCode')} />
          </form>
        </>
      )}
      {step.kind === 'code' && (
        <NetIdCodeStep
          sent={step}
          verify={async (code) => {
            const shown = await netid.forgotNetIdVerify(step.ticket, code);
            setStep({ kind: 'shown', netId: shown.netId });
          }}
          onStartAgain={() => setStep({ kind: 'details' })}
        />
      )}
      {step.kind === 'shown' && (
        <NetIdDone>
          <YourNetId netId={step.netId} />
        </NetIdDone>
      )}
    </div>
  );
}
