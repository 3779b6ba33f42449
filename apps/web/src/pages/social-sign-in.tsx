import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { social, socialErrorKey, type SocialPendingLink, type SocialProvider } from '../api/social.js';
import { CodeStep } from '../forms/code-step.js';
import { errorText } from '../forms/error-text.js';
import { EmailCodeRequestForm } from '../forms/email-code-request-form.js';
import { FormAlert } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';
import { currentLocale } from './sign-in-page.js';

/**
 * "Sign in with Google / Microsoft / Apple / WeChat": only the providers the portal has configured. Each button
 * is a plain link (a browser navigation): the portal redirects to the provider and back. A failed round trip
 * comes back as /sign-in?socialError=<code>.
 */
export function SocialSignInSection() {
  const { t } = useTranslation();
  const [providers, setProviders] = useState<readonly SocialProvider[]>([]);
  const errorKey = socialErrorKey(new URLSearchParams(window.location.search).get('socialError'));

  useEffect(() => {
    let live = true;
    social
      .providers()
      .then((answer) => live && setProviders(answer.providers))
      .catch(() => live && setProviders([]));
    return () => {
      live = false;
    };
  }, []);

  if (providers.length === 0 && !errorKey) return null;
  return (
    <section className="card social-sign-in" aria-labelledby="social-sign-in-title">
      <h2 id="social-sign-in-title" className="card__title">
        {t('social.title')}
      </h2>
      {errorKey && <FormAlert>{t(errorKey)}</FormAlert>}
      <p className="form__hint">{t('social.intro')}</p>
      <ul className="social-sign-in__list">
        {providers.map((provider) => (
          <li key={provider.id}>
            <a className={`button button--quiet social-button social-button--${provider.id}`} href={provider.startUrl}>
              {t('social.continueWith', { provider: provider.name })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

type LinkStep =
  | { readonly kind: 'loading' }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'email'; readonly pending: SocialPendingLink }
  | { readonly kind: 'code'; readonly pending: SocialPendingLink; readonly email: string; readonly sentAt: number };

/**
 * First sign-in with a social account (FAQ question 5, steps c and d): the registered email, then the code sent
 * to it. The email the provider showed is displayed, and prefilled only when the provider verified it and it is
 * not a private relay address; it never picks the account by itself.
 */
export function SocialLinkStep() {
  const { t, i18n } = useTranslation();
  const { signedIn } = useSession();
  const [step, setStep] = useState<LinkStep>({ kind: 'loading' });
  const [email, setEmail] = useState('');
  const locale = currentLocale(i18n.resolvedLanguage);

  useEffect(() => {
    let live = true;
    social
      .pending()
      .then((pending) => {
        if (!live) return;
        setEmail(pending.suggestedEmail ?? '');
        setStep({ kind: 'email', pending });
      })
      .catch((error: unknown) => live && setStep({ kind: 'missing', message: errorText(t, i18n.resolvedLanguage, error) }));
    return () => {
      live = false;
    };
  }, [t, i18n.resolvedLanguage]);

  const sendCode = async (pending: SocialPendingLink, value: string) => {
    await social.linkStart(value, locale);
    setStep({ kind: 'code', pending, email: value, sentAt: Date.now() });
  };

  const cancel = async () => {
    await social.linkCancel().catch(() => undefined);
    navigate('/sign-in', { replace: true });
  };

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('social.linkTitle')}</PageHeading>
      {step.kind === 'loading' && <p role="status">{t('common.loading')}</p>}
      {step.kind === 'missing' && (
        <>
          <FormAlert>{step.message}</FormAlert>
          <p>
            <a className="button button--quiet" href="/sign-in">
              {t('social.backToSignIn')}
            </a>
          </p>
        </>
      )}
      {(step.kind === 'email' || step.kind === 'code') && (
        <p className="page__intro">
          {step.pending.emailSeen
            ? t('social.linkIntroWithEmail', { provider: step.pending.providerName, email: step.pending.emailSeen })
            : t('social.linkIntro', { provider: step.pending.providerName })}
        </p>
      )}
      {step.kind === 'email' && (
        <EmailCodeRequestForm
          titleId="social-link-email-title"
          title={t('social.emailTitle')}
          hint={t('social.emailHint')}
          email={email}
          onEmailChange={setEmail}
          send={(value) => sendCode(step.pending, value)}
        >
          <button type="button" className="button button--quiet" onClick={() => void cancel()}>
            {t('social.cancel')}
          </button>
        </EmailCodeRequestForm>
      )}
      {step.kind === 'code' && (
        <div className="card">
          <CodeStep
            sentTo={step.email}
            sentAt={step.sentAt}
            onSent={(at) => setStep((current) => (current.kind === 'code' ? { ...current, sentAt: at } : current))}
            verify={async (code) => {
              const session = await social.linkVerify(code);
              await signedIn(session);
              navigate('/profile?socialLinked=1', { replace: true });
            }}
            resend={async () => {
              await social.linkStart(step.email, locale);
            }}
            onStartAgain={() => setStep({ kind: 'email', pending: step.pending })}
            startAgainLabel={t('signIn.useAnotherEmail')}
            submitLabel={t('social.linkSubmit')}
          />
        </div>
      )}
      <p className="page__note">{t('signIn.help')}</p>
    </div>
  );
}
