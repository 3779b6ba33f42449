import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { identity, safeNext } from '../api/api.js';
import type { Locale } from '../api/identity.js';
import { CodeStep } from '../forms/code-step.js';
import { EmailCodeRequestForm } from '../forms/email-code-request-form.js';
import { FormAlert } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link, navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';
import { SocialLinkStep, SocialSignInSection } from './social-sign-in.js';
import { NetIdSignInSection } from './netid-sign-in-section.js';

type Step =
  { readonly kind: 'email' } | { readonly kind: 'code'; readonly requestId: string; readonly email: string; readonly sentAt: number };

export function currentLocale(language: string | undefined): Locale {
  return language === 'zh-Hant' ? 'zh-Hant' : 'en';
}

/** Sign in with a registered email and a 6-digit one-time code (the FAQ's "sign in with my email"). */
export function SignInPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('signIn.pageTitle'));
  const { signedIn } = useSession();
  const [step, setStep] = useState<Step>({ kind: 'email' });
  const [email, setEmail] = useState('');
  const query = new URLSearchParams(window.location.search);
  const next = safeNext(query.get('next'), '/profile');
  const signedOut = query.get('signedOut') === '1';
  // Back from a first social sign-in: the registered email and its code link the social account.
  if (query.get('socialLink') === '1') return <SocialLinkStep />;

  const start = async (value: string) => {
    const answer = await identity.emailStart(value, currentLocale(i18n.resolvedLanguage));
    setStep({ kind: 'code', requestId: answer.requestId, email: value, sentAt: Date.now() });
  };

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('signIn.title')}</PageHeading>
      {step.kind === 'email' ? (
        <>
          {signedOut && <FormAlert tone="success">{t('signIn.signedOut')}</FormAlert>}
          <p className="page__intro">{t('signIn.intro')}</p>
          <EmailCodeRequestForm
            titleId="sign-in-email-title"
            title={t('signIn.emailTitle')}
            hint={t('signIn.emailHint')}
            email={email}
            onEmailChange={setEmail}
            send={start}
          />
          <SocialSignInSection />
          <NetIdSignInSection />
          <section className="card" aria-labelledby="first-time-title">
            <h2 id="first-time-title" className="card__title">
              {t('signIn.firstTimeTitle')}
            </h2>
            <p>{t('signIn.firstTimeBody')}</p>
            <p>
              <Link to="/register-email" className="button button--quiet">
                {t('signIn.registerLink')}
              </Link>
            </p>
          </section>
        </>
      ) : (
        <div className="card">
          <CodeStep
            sentTo={step.email}
            sentAt={step.sentAt}
            onSent={(at) => setStep((current) => (current.kind === 'code' ? { ...current, sentAt: at } : current))}
            verify={async (code) => {
              const session = await identity.emailVerify(step.requestId, code);
              await signedIn(session);
              navigate(next, { replace: true });
            }}
            resend={async () => {
              await identity.emailResend(step.requestId);
            }}
            onStartAgain={() => setStep({ kind: 'email' })}
            startAgainLabel={t('signIn.useAnotherEmail')}
            submitLabel={t('signIn.submit')}
          />
        </div>
      )}
      <p className="page__note">{t('signIn.help')}</p>
      <p className="page__note">
        <Link to="/staff/sign-in">{t('signIn.staffLink')}</Link>
      </p>
    </div>
  );
}
