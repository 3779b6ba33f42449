import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetIdDetails, NetIdRegistered } from '../api/netid.js';
import { Field, FormActions, FormAlert } from '../forms/fields.js';
import { NO_IDENTITY_DETAILS, trimmedIdentity } from '../forms/identity-fields.js';
import { useFormSubmit } from '../forms/use-form-submit.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import {
  CaptchaWidget,
  DetailsFields,
  NetIdCodeStep,
  NetIdDone,
  NewNetPasswordField,
  YourNetId,
  detailsErrors,
  netid,
  netIdErrorText,
  newNetPasswordProblem,
  type CodeSent,
} from './netid-forms.js';
import { currentLocale } from './sign-in-page.js';

const DISPLAY_NAME = /^[A-Za-z0-9 -]+$/;

/**
 * Alumni NetID registration (FAQ 8–9, 12–15): details, captcha, Display Name, NetPassword; then the code sent to
 * the email on record (knowing the details alone is not enough), then the NetID.
 */
export function NetIdRegisterPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('netid.registerTitle'));
  const [details, setDetails] = useState<NetIdDetails>(NO_IDENTITY_DETAILS);
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [captcha, setCaptcha] = useState<string>();
  const [captchaKey, setCaptchaKey] = useState(0);
  const [sent, setSent] = useState<CodeSent>();
  const [done, setDone] = useState<NetIdRegistered>();
  const { form, errors, formError, busy, submit, showError } = useFormSubmit<keyof NetIdDetails | 'displayName' | 'password' | 'captcha'>(
    netIdErrorText,
  );

  /** A solution is accepted once: every try needs a fresh one. */
  const freshCaptcha = () => {
    setCaptcha(undefined);
    setCaptchaKey((key) => key + 1);
  };

  const register = (event: FormEvent) =>
    submit(event, {
      check: () => {
        const found: typeof errors = detailsErrors(t, details);
        if (!DISPLAY_NAME.test(displayName.trim())) found.displayName = t('netid.displayNameRule');
        found.password = newNetPasswordProblem(t, password);
        if (!captcha) found.captcha = t('netid.captchaRequired');
        return found;
      },
      send: async () => {
        const answer = await netid.register({
          ...trimmedIdentity(details),
          displayName: displayName.trim(),
          password,
          captcha: captcha!,
          locale: currentLocale(i18n.resolvedLanguage),
        });
        setSent({ ticket: answer.ticket, sentTo: answer.maskedEmail, sentAt: Date.now() });
      },
      fail: (error) => {
        showError(error);
        freshCaptcha();
      },
    });

  if (done) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('netid.registerTitle')}</PageHeading>
        <NetIdDone>
          <h2 className="card__title">{t('netid.registeredTitle')}</h2>
          <YourNetId netId={done.netId} />
          <p>
            {t('netid.yourAlias')} <strong>{done.emailAlias}</strong>
          </p>
          <p>{t('netid.registeredMail', { email: done.maskedEmail })}</p>
        </NetIdDone>
      </div>
    );
  }

  if (sent) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('netid.registerTitle')}</PageHeading>
        <NetIdCodeStep
          sent={sent}
          sentText={t('netid.registerCodeSent', { email: sent.sentTo })}
          submitLabel={t('netid.registerConfirm')}
          verify={async (code) => {
            setDone(await netid.registerVerify(sent.ticket, code));
          }}
          onStartAgain={() => {
            freshCaptcha();
            setSent(undefined);
          }}
        />
      </div>
    );
  }

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('netid.registerTitle')}</PageHeading>
      <p className="page__intro">{t('netid.registerIntro')}</p>
      <form ref={form} className="form card" onSubmit={(event) => void register(event)} noValidate aria-label={t('netid.registerTitle')}>
        <FormAlert>{formError}</FormAlert>
        <DetailsFields details={details} errors={errors} onChange={setDetails} />
        <Field
          label={t('netid.displayName')}
          hint={t('netid.displayNameHint')}
          error={errors.displayName}
          name="displayName"
          autoComplete="nickname"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <NewNetPasswordField
          label={t('netid.password')}
          name="password"
          error={errors.password}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <CaptchaWidget resetKey={captchaKey} onPayload={setCaptcha} />
        {errors.captcha && <p className="field__error">{errors.captcha}</p>}
        <FormActions busy={busy} submitLabel={t('netid.registerSubmit')} />
      </form>
      <p className="page__note">{t('netid.registerHelp')}</p>
    </div>
  );
}
