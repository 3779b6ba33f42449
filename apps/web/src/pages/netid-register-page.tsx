import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetIdDetails, NetIdRegistered } from '../api/netid.js';
import { CodeStep } from '../forms/code-step.js';
import { Field, FormAlert, focusFirstInvalid } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';
import { CaptchaWidget, DetailsFields, detailsErrors, netid, netIdErrorText, trimmed, type DetailsErrors } from './netid-forms.js';
import { currentLocale } from './sign-in-page.js';

const DISPLAY_NAME = /^[A-Za-z0-9 -]+$/;

/** Where the code went, once the details were accepted. */
interface CodeSent {
  readonly ticket: string;
  readonly sentTo: string;
  readonly sentAt: number;
}

/**
 * Alumni NetID registration (FAQ 8–9, 12–15): details, captcha, Display Name, NetPassword; then the code sent to
 * the email on record (knowing the details alone is not enough), then the NetID.
 */
export function NetIdRegisterPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('netid.registerTitle'));
  const [details, setDetails] = useState<NetIdDetails>({ surname: '', givenName: '', dateOfBirth: '', personalId: '' });
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<DetailsErrors & { displayName?: string; password?: string; captcha?: string }>({});
  const [formError, setFormError] = useState<string>();
  const [captcha, setCaptcha] = useState<string>();
  const [captchaKey, setCaptchaKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<CodeSent>();
  const [done, setDone] = useState<NetIdRegistered>();
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const found: typeof errors = detailsErrors(t, details);
    if (!DISPLAY_NAME.test(displayName.trim())) found.displayName = t('netid.displayNameRule');
    if ([...password].length < 8) found.password = t('netid.passwordTooShort');
    if (!captcha) found.captcha = t('netid.captchaRequired');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    try {
      const answer = await netid.register({
        ...trimmed(details),
        displayName: displayName.trim(),
        password,
        captcha: captcha!,
        locale: currentLocale(i18n.resolvedLanguage),
      });
      setSent({ ticket: answer.ticket, sentTo: answer.maskedEmail, sentAt: Date.now() });
    } catch (error) {
      setFormError(netIdErrorText(t, i18n.resolvedLanguage, error));
      // A solution is accepted once: every try needs a fresh one.
      setCaptcha(undefined);
      setCaptchaKey((key) => key + 1);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('netid.registerTitle')}</PageHeading>
        <div className="card" role="status">
          <h2 className="card__title">{t('netid.registeredTitle')}</h2>
          <p>
            {t('netid.yourNetId')} <strong className="netid-value">{done.netId}</strong>
          </p>
          <p>
            {t('netid.yourAlias')} <strong>{done.emailAlias}</strong>
          </p>
          <p>{t('netid.registeredMail', { email: done.maskedEmail })}</p>
          <p>
            <Link to="/sign-in" className="button button--brand">
              {t('netid.goSignIn')}
            </Link>
          </p>
        </div>
      </div>
    );
  }

  if (sent) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('netid.registerTitle')}</PageHeading>
        <div className="card">
          <CodeStep
            sentTo={sent.sentTo}
            sentAt={sent.sentAt}
            onSent={() => undefined}
            sentText={t('netid.registerCodeSent', { email: sent.sentTo })}
            submitLabel={t('netid.registerConfirm')}
            verify={async (code) => {
              setDone(await netid.registerVerify(sent.ticket, code));
            }}
            onStartAgain={() => {
              // A solution is accepted once: the form needs a fresh one.
              setCaptcha(undefined);
              setCaptchaKey((key) => key + 1);
              setSent(undefined);
            }}
            startAgainLabel={t('netid.startAgain')}
          />
        </div>
      </div>
    );
  }

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('netid.registerTitle')}</PageHeading>
      <p className="page__intro">{t('netid.registerIntro')}</p>
      <form ref={form} className="form card" onSubmit={(event) => void submit(event)} noValidate aria-label={t('netid.registerTitle')}>
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
        <Field
          label={t('netid.password')}
          hint={t('netid.passwordHint')}
          error={errors.password}
          type="password"
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <CaptchaWidget resetKey={captchaKey} onPayload={setCaptcha} />
        {errors.captcha && <p className="field__error">{errors.captcha}</p>}
        <div className="form__actions">
          <button type="submit" className="button button--brand" disabled={busy}>
            {t('netid.registerSubmit')}
          </button>
        </div>
      </form>
      <p className="page__note">{t('netid.registerHelp')}</p>
    </div>
  );
}
