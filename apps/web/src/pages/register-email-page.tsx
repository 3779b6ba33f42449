import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { identity } from '../api/api.js';
import { isApiError } from '../api/client.js';
import type { RegisterIdentifyResult } from '../api/identity.js';
import { CodeStep } from '../forms/code-step.js';
import { errorText } from '../forms/error-text.js';
import { EMAIL_PATTERN, Field, FormAlert, focusFirstInvalid } from '../forms/fields.js';
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

interface IdentityForm {
  surname: string;
  givenName: string;
  dateOfBirth: string;
  personalId: string;
}
type IdentityErrors = Partial<Record<keyof IdentityForm, string>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "Register Email or Forget Email": check your details against the registry, choose an email, confirm it. */
export function RegisterEmailPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('register.pageTitle'));
  const { signedIn } = useSession();
  const [step, setStep] = useState<Step>({ kind: 'identify' });
  const [details, setDetails] = useState<IdentityForm>({ surname: '', givenName: '', dateOfBirth: '', personalId: '' });
  const [errors, setErrors] = useState<IdentityErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [choice, setChoice] = useState<'record' | 'other'>('record');
  const [otherEmail, setOtherEmail] = useState('');
  const [emailError, setEmailError] = useState<string>();
  const form = useRef<HTMLFormElement>(null);
  const locale = currentLocale(i18n.resolvedLanguage);

  const fail = (error: unknown) => {
    setFormError(errorText(t, i18n.resolvedLanguage, error));
    if (isApiError(error) && error.code === 'ticket-invalid') setStep({ kind: 'identify' });
  };

  const identify = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const found: IdentityErrors = {};
    if (!details.surname.trim()) found.surname = t('register.surnameRequired');
    if (!details.givenName.trim()) found.givenName = t('register.givenNameRequired');
    if (!DATE.test(details.dateOfBirth)) found.dateOfBirth = t('register.dateOfBirthInvalid');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    try {
      const result = await identity.registerIdentify({
        surname: details.surname.trim(),
        givenName: details.givenName.trim(),
        dateOfBirth: details.dateOfBirth,
        ...(details.personalId.trim() ? { personalId: details.personalId.trim() } : {}),
      });
      setChoice(result.maskedEmail ? 'record' : 'other');
      setStep({ kind: 'choose', found: result });
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const sendCode = async (found: RegisterIdentifyResult, email: string | undefined) => {
    const answer = await identity.registerEmail(found.ticket, email, locale);
    setStep({ kind: 'code', found, email, sentTo: answer.maskedEmail, sentAt: Date.now() });
  };

  const choose = async (event: FormEvent, found: RegisterIdentifyResult) => {
    event.preventDefault();
    setFormError(undefined);
    let email: string | undefined;
    if (choice === 'other' || !found.maskedEmail) {
      email = otherEmail.trim();
      if (!EMAIL_PATTERN.test(email)) {
        setEmailError(email ? t('fields.emailInvalid') : t('fields.emailRequired'));
        requestAnimationFrame(() => focusFirstInvalid(form.current));
        return;
      }
    }
    setEmailError(undefined);
    setBusy(true);
    try {
      await sendCode(found, email);
    } catch (error) {
      if (isApiError(error) && (error.code === 'email-taken' || error.code === 'email-missing')) {
        setChoice('other');
        setEmailError(errorText(t, i18n.resolvedLanguage, error));
      } else fail(error);
    } finally {
      setBusy(false);
    }
  };

  const set = (key: keyof IdentityForm) => (event: { target: { value: string } }) => setDetails({ ...details, [key]: event.target.value });

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
          <Field
            label={t('register.surname')}
            error={errors.surname}
            name="surname"
            autoComplete="family-name"
            value={details.surname}
            onChange={set('surname')}
          />
          <Field
            label={t('register.givenName')}
            error={errors.givenName}
            name="givenName"
            autoComplete="given-name"
            value={details.givenName}
            onChange={set('givenName')}
          />
          <Field
            label={t('register.dateOfBirth')}
            hint={t('register.dateOfBirthHint')}
            error={errors.dateOfBirth}
            type="date"
            name="dateOfBirth"
            autoComplete="bday"
            min="1900-01-01"
            value={details.dateOfBirth}
            onChange={set('dateOfBirth')}
          />
          <Field
            label={t('register.personalId')}
            optional={t('fields.optional')}
            hint={t('register.personalIdHint')}
            name="personalId"
            autoComplete="off"
            value={details.personalId}
            onChange={set('personalId')}
          />
          <div className="form__actions">
            <button type="submit" className="button button--brand" disabled={busy}>
              {t('register.identifySubmit')}
            </button>
          </div>
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
            <Field
              label={t('register.newEmail')}
              hint={t('register.newEmailHint')}
              error={emailError}
              type="email"
              name="email"
              autoComplete="email"
              inputMode="email"
              value={otherEmail}
              onChange={(event) => setOtherEmail(event.target.value)}
            />
          )}
          <div className="form__actions">
            <button type="submit" className="button button--brand" disabled={busy}>
              {t('register.sendCode')}
            </button>
          </div>
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
