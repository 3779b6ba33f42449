import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetIdDetails } from '../api/netid.js';
import { Field, FormActions, FormAlert } from '../forms/fields.js';
import { NO_IDENTITY_DETAILS, trimmedIdentity } from '../forms/identity-fields.js';
import { useFormSubmit } from '../forms/use-form-submit.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import {
  DetailsFields,
  NetIdCodeStep,
  NetIdDone,
  NewNetPasswordField,
  detailsErrors,
  netid,
  netIdErrorText,
  newNetPasswordProblem,
  type CodeSent,
} from './netid-forms.js';
import { currentLocale } from './sign-in-page.js';

type Step = { readonly kind: 'details' } | ({ readonly kind: 'code' } & CodeSent) | { readonly kind: 'done'; readonly netId: string };

/** Forgot NetPassword (FAQ 11): NetID and details → a code to the registered email → a new NetPassword. */
export function ForgotNetPasswordPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('netid.forgotPasswordTitle'));
  const [step, setStep] = useState<Step>({ kind: 'details' });
  const [netIdValue, setNetIdValue] = useState('');
  const [details, setDetails] = useState<NetIdDetails>(NO_IDENTITY_DETAILS);
  const [password, setPassword] = useState('');
  const { form, errors, formError, busy, submit } = useFormSubmit<keyof NetIdDetails | 'netId' | 'password'>(netIdErrorText);

  const start = (event: FormEvent) =>
    submit(event, {
      check: () => {
        const found: typeof errors = detailsErrors(t, details);
        if (!netIdValue.trim()) found.netId = t('netid.netIdRequired');
        found.password = newNetPasswordProblem(t, password);
        return found;
      },
      send: async () => {
        const sent = await netid.forgotPasswordStart(netIdValue.trim(), trimmedIdentity(details), currentLocale(i18n.resolvedLanguage));
        setStep({ kind: 'code', ticket: sent.ticket, sentTo: sent.maskedEmail, sentAt: Date.now() });
      },
    });

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('netid.forgotPasswordTitle')}</PageHeading>
      {step.kind === 'details' && (
        <>
          <p className="page__intro">{t('netid.forgotPasswordIntro')}</p>
          <form
            ref={form}
            className="form card"
            onSubmit={(event) => void start(event)}
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
            <NewNetPasswordField
              label={t('netid.newPassword')}
              name="newPassword"
              error={errors.password}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <FormActions busy={busy} submitLabel={t('netid.sendCode')} />
          </form>
        </>
      )}
      {step.kind === 'code' && (
        <NetIdCodeStep
          sent={step}
          verify={async (code) => {
            const reset = await netid.forgotPasswordReset(step.ticket, code, password);
            setStep({ kind: 'done', netId: reset.netId });
          }}
          onStartAgain={() => setStep({ kind: 'details' })}
          submitLabel={t('netid.resetSubmit')}
        />
      )}
      {step.kind === 'done' && (
        <NetIdDone>
          <p>{t('netid.passwordReset', { netId: step.netId })}</p>
        </NetIdDone>
      )}
    </div>
  );
}
