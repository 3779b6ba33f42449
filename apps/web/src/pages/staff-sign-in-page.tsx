import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { identity, safeNext } from '../api/api.js';
import { isApiError } from '../api/client.js';
import type { Session } from '../api/identity.js';
import { CodeStep } from '../forms/code-step.js';
import { EmailField, Field, FormActions, FormAlert, emailProblem } from '../forms/fields.js';
import { useFormSubmit } from '../forms/use-form-submit.js';
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
  const { form, errors, setErrors, busy, formError, submit, showError, errorTextOf, focusInvalid } = useFormSubmit<'email' | 'password'>();
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

  const start = (event: FormEvent) => {
    const value = email.trim();
    return submit(event, {
      check: () => ({ email: emailProblem(t, value), password: password ? undefined : t('staffSignIn.passwordRequired') }),
      send: async () => {
        const answer = await identity.staffStart(value, password, currentLocale(i18n.resolvedLanguage));
        setPassword('');
        setStep({ kind: 'code', requestId: answer.requestId, email: value, sentAt: Date.now() });
      },
      fail: (error) => {
        if (isApiError(error) && error.code === 'staff-credentials-wrong') {
          setErrors({ password: errorTextOf(error) });
          focusInvalid();
        } else showError(error);
      },
    });
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
                <EmailField
                  label={t('fields.email')}
                  error={errors.email}
                  autoComplete="username"
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
                <FormActions busy={busy} submitLabel={t('staffSignIn.submit')} />
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
