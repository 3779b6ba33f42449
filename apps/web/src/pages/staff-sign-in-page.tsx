import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { identity, safeNext } from '../api/api.js';
import { isApiError } from '../api/client.js';
import type { Session } from '../api/identity.js';
import { CodeStep } from '../forms/code-step.js';
import { errorText } from '../forms/error-text.js';
import { EMAIL_PATTERN, Field, FormAlert, focusFirstInvalid } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link, navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';
import { currentLocale } from './sign-in-page.js';
import { staffSignInView, type MethodsState } from './staff-sign-in-view.js';

type Step =
  { readonly kind: 'password' } | { readonly kind: 'code'; readonly requestId: string; readonly email: string; readonly sentAt: number };

/** Where a member of staff lands after signing in, by role. */
function landingFor(session: Session): string {
  return session.subject?.roles.includes('aao-admin') ? '/admin/registry' : '/';
}

/**
 * Staff sign-in: the university account (the identity provider, a full-page navigation) when it is on, and/or
 * email and password, then the 6-digit code emailed to them. A failed provider round trip comes back with `?error=`.
 */
export function StaffSignInPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('staffSignIn.pageTitle'));
  const { signedIn } = useSession();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const query = new URLSearchParams(window.location.search);
  const next = query.get('next');
  const [methods, setMethods] = useState<MethodsState>({ kind: 'loading' });
  const view = staffSignInView(methods, query.get('error'));

  useEffect(() => {
    let live = true;
    identity.staffMethods().then(
      (answer) => live && setMethods({ kind: 'ready', methods: answer }),
      () => live && setMethods({ kind: 'failed' }),
    );
    return () => {
      live = false;
    };
  }, []);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const value = email.trim();
    const found: { email?: string; password?: string } = {};
    if (!EMAIL_PATTERN.test(value)) found.email = value ? t('fields.emailInvalid') : t('fields.emailRequired');
    if (!password) found.password = t('staffSignIn.passwordRequired');
    setErrors(found);
    if (found.email || found.password) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    try {
      const answer = await identity.staffStart(value, password, currentLocale(i18n.resolvedLanguage));
      setPassword('');
      setStep({ kind: 'code', requestId: answer.requestId, email: value, sentAt: Date.now() });
    } catch (error) {
      const text = errorText(t, i18n.resolvedLanguage, error);
      if (isApiError(error) && error.code === 'staff-credentials-wrong') setErrors({ password: text });
      else setFormError(text);
      if (isApiError(error) && error.code === 'staff-credentials-wrong') requestAnimationFrame(() => focusFirstInvalid(form.current));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('staffSignIn.title')}</PageHeading>
      {view.errorKey && step.kind === 'password' && <FormAlert>{t(view.errorKey)}</FormAlert>}
      {step.kind === 'password' ? (
        view.loading ? (
          <p role="status">{t('staffSignIn.loadingMethods')}</p>
        ) : (
          <>
            {view.oidcHref && (
              <div className="card staff-oidc">
                <p className="form__lead">{t('staffSignIn.oidcIntro')}</p>
                <p>
                  <a className="button button--brand" href={view.oidcHref}>
                    {t('staffSignIn.oidc')}
                  </a>
                </p>
              </div>
            )}
            {view.oidcHref && view.showPassword && <p className="divider-text">{t('staffSignIn.or')}</p>}
            {view.noMethods && <FormAlert tone="info">{t('staffSignIn.noMethods')}</FormAlert>}
            {view.showPassword && (
              <form ref={form} className="form card" onSubmit={(event) => void start(event)} noValidate>
                {view.oidcHref && <h2 className="card__title">{t('staffSignIn.passwordTitle')}</h2>}
                <p className="form__lead">{t('staffSignIn.intro')}</p>
                <FormAlert>{formError}</FormAlert>
                <Field
                  label={t('fields.email')}
                  error={errors.email}
                  type="email"
                  name="email"
                  autoComplete="username"
                  inputMode="email"
                  value={email}
                  onChange={(event) => setEmail(event.target.value)}
                />
                <Field
                  label={t('staffSignIn.password')}
                  error={errors.password}
                  type="password"
                  name="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
                <div className="form__actions">
                  <button type="submit" className="button button--brand" disabled={busy}>
                    {t('staffSignIn.submit')}
                  </button>
                </div>
              </form>
            )}
          </>
        )
      ) : (
        <div className="card">
          <CodeStep
            sentTo={step.email}
            sentText={t('staffSignIn.codeSent')}
            sentAt={step.sentAt}
            onSent={(at) => setStep((current) => (current.kind === 'code' ? { ...current, sentAt: at } : current))}
            verify={async (code) => {
              const session = await identity.staffVerify(step.requestId, code);
              await signedIn(session);
              navigate(safeNext(next, landingFor(session)), { replace: true });
            }}
            onStartAgain={() => setStep({ kind: 'password' })}
            startAgainLabel={t('staffSignIn.startAgain')}
            submitLabel={t('staffSignIn.verify')}
          />
        </div>
      )}
      {view.showPassword && <p className="page__note">{t('staffSignIn.help')}</p>}
      <p>
        <Link to="/sign-in" className="back-link">
          {t('staffSignIn.alumniLink')}
        </Link>
      </p>
    </div>
  );
}
