import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { identity } from '../api/api.js';
import { isApiError } from '../api/client.js';
import type { RegisterIdentifyResult } from '../api/identity.js';
import { CodeStep } from '../forms/code-step.js';
import { EmailField, FormActions, FormAlert, emailProblem } from '../forms/fields.js';
import {
  IdentityFields,
  NO_IDENTITY_DETAILS,
  nameAndBirthErrors,
  trimmedIdentity,
  type IdentityDetails,
} from '../forms/identity-fields.js';
import { useFormSubmit } from '../forms/use-form-submit.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link, navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';
import { currentLocale } from './sign-in-page.js';

type Step =
  | { readonly kind: 'identify' }
  | { readonly kind: 'choose'; readonly found: RegisterIdentifyResult }
  | {
      readonly kind: 'code';
      readonly found: RegisterIdentifyResult;
      /** undefined: the email on record. */
      readonly email: string | undefined;
      readonly sentTo: string;
      readonly sentAt: number;
    };

/** "Register Email or Forget Email": check your details against the registry, choose an email, confirm it. */
export function RegisterEmailPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('register.pageTitle'));
  const { signedIn } = useSession();
  const [step, setStep] = useState<Step>({ kind: 'identify' });
  const [details, setDetails] = useState<IdentityDetails>(NO_IDENTITY_DETAILS);
  const [choice, setChoice] = useState<'record' | 'other'>('record');
  const [otherEmail, setOtherEmail] = useState('');
  const { form, errors, setErrors, formError, busy, submit, showError, errorTextOf } = useFormSubmit<keyof IdentityDetails | 'email'>();
  const locale = currentLocale(i18n.resolvedLanguage);

  const fail = (error: unknown) => {
    showError(error);
    if (isApiError(error) && error.code === 'ticket-invalid') setStep({ kind: 'identify' });
  };

  const identify = (event: FormEvent) =>
    submit(event, {
      check: () => nameAndBirthErrors(t, details),
      send: async () => {
        const { personalId, ...nameAndBirth } = trimmedIdentity(details);
        const result = await identity.registerIdentify({ ...nameAndBirth, ...(personalId ? { personalId } : {}) });
        setChoice(result.maskedEmail ? 'record' : 'other');
        setStep({ kind: 'choose', found: result });
      },
      fail,
    });

  const sendCode = async (found: RegisterIdentifyResult, email: string | undefined) => {
    const answer = await identity.registerEmail(found.ticket, email, locale);
    setStep({ kind: 'code', found, email, sentTo: answer.maskedEmail, sentAt: Date.now() });
  };

  const choose = (event: FormEvent, found: RegisterIdentifyResult) => {
    // undefined: the email on record.
    const email = choice === 'other' || !found.maskedEmail ? otherEmail.trim() : undefined;
    return submit(event, {
      check: () => ({ email: email === undefined ? undefined : emailProblem(t, email) }),
      send: () => sendCode(found, email),
      fail: (error) => {
        if (isApiError(error) && (error.code === 'email-taken' || error.code === 'email-missing')) {
          setChoice('other');
          setErrors({ email: errorTextOf(error) });
        } else fail(error);
      },
    });
  };

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('register.title')}</PageHeading>
      <ol className="steps" aria-label={t('register.stepsLabel')}>
        {(['identify', 'choose', 'code'] as const).map((name, index) => (
          <li key={name} className="steps__item" aria-current={step.kind === name ? 'step' : undefined}>
            <span className="steps__number" aria-hidden="true">
              {index + 1}
            </span>{' '}
            {t(`register.steps.${name}`)}
          </li>
        ))}
      </ol>

      {step.kind === 'identify' && (
        <form ref={form} className="form card" onSubmit={(event) => void identify(event)} noValidate>
          <p className="form__lead">{t('register.identifyIntro')}</p>
          <FormAlert>{formError}</FormAlert>
          <IdentityFields
            details={details}
            errors={errors}
            onChange={setDetails}
            minDateOfBirth="1900-01-01"
            personalId={{ label: t('register.personalId'), optional: t('fields.optional'), hint: t('register.personalIdHint') }}
          />
          <FormActions busy={busy} submitLabel={t('register.identifySubmit')} />
        </form>
      )}

      {step.kind === 'choose' && (
        <form ref={form} className="form card" onSubmit={(event) => void choose(event, step.found)} noValidate>
          <FormAlert>{formError}</FormAlert>
          {step.found.maskedEmail ? (
            <fieldset className="choice">
              <legend className="form__lead">
                {step.found.alreadyRegistered ? t('register.alreadyRegistered') : t('register.emailOnRecord')}
              </legend>
              <label className="choice__option">
                <input type="radio" name="emailChoice" checked={choice === 'record'} onChange={() => setChoice('record')} />
                <span>
                  {t('register.useThisEmail')} <strong className="masked-email">{step.found.maskedEmail}</strong>
                </span>
              </label>
              <label className="choice__option">
                <input type="radio" name="emailChoice" checked={choice === 'other'} onChange={() => setChoice('other')} />
                <span>{t('register.useAnotherEmail')}</span>
              </label>
            </fieldset>
          ) : (
            <p className="form__lead">{t('register.noEmailOnRecord')}</p>
          )}
          {(choice === 'other' || !step.found.maskedEmail) && (
            <EmailField
              label={t('register.newEmail')}
              hint={t('register.newEmailHint')}
              error={errors.email}
              value={otherEmail}
              onChange={(event) => setOtherEmail(event.target.value)}
            />
          )}
          <FormActions busy={busy} submitLabel={t('register.sendCode')} />
        </form>
      )}

      {step.kind === 'code' && (
        <div className="card">
          <CodeStep
            sentTo={step.sentTo}
            sentText={t('register.codeSent', { to: step.sentTo })}
            sentAt={step.sentAt}
            onSent={(at) => setStep((current) => (current.kind === 'code' ? { ...current, sentAt: at } : current))}
            verify={async (code) => {
              try {
                const session = await identity.registerVerify(step.found.ticket, code);
                await signedIn(session);
                navigate('/profile?registered=1', { replace: true });
              } catch (error) {
                if (isApiError(error) && error.code === 'ticket-invalid') fail(error);
                throw error;
              }
            }}
            resend={async () => {
              const answer = await identity.registerEmail(step.found.ticket, step.email, locale);
              setStep((current) => (current.kind === 'code' ? { ...current, sentTo: answer.maskedEmail } : current));
            }}
            onStartAgain={() => setStep({ kind: 'choose', found: step.found })}
            startAgainLabel={t('register.changeEmail')}
            submitLabel={t('register.verifySubmit')}
          />
        </div>
      )}

      <p className="page__note">{t('register.help')}</p>
      <p>
        <Link to="/sign-in" className="back-link">
          {t('register.backToSignIn')}
        </Link>
      </p>
    </div>
  );
}
