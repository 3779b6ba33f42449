import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client.js';
import { guestTokenFromPath, svgDataUrl, type PublicGuestPass } from '../api/passes.js';
import { LoadFailed } from '../forms/load-failed.js';
import { LanguageSwitcher } from '../layout/language-switcher.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { usePathname } from '../router/router.js';
import { guestErrorText, guestPasses, wordsLanguage } from './guest/guest-api.js';

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly pass: PublicGuestPass }
  | { readonly kind: 'invalid-link' }
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * The page behind a shared guest link, `/g/<token>`: no sign-in and none of the app's navigation, only a simple
 * header. Shows the guest's name, the date in words and the QR code while the pass is valid; a cancelled, revoked
 * or past pass, and a wrong or tampered link, get a clear message instead of a code.
 */
export function PublicGuestPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('publicGuest.pageTitle'));
  const language = wordsLanguage(i18n.resolvedLanguage);
  const token = guestTokenFromPath(usePathname());
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!token) {
      setState({ kind: 'invalid-link' });
      return;
    }
    const controller = new AbortController();
    setState({ kind: 'loading' });
    guestPasses.publicPass(token, controller.signal).then(
      (pass) => setState({ kind: 'ready', pass }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const invalid = isApiError(error) && (error.code === 'guest-link-not-found' || error.status === 404);
        setState(invalid ? { kind: 'invalid-link' } : { kind: 'error', error });
      },
    );
    return () => controller.abort();
  }, [token, attempt]);

  return (
    <>
      <header className="site-header public-guest__header">
        <div className="site-header__inner">
          <span className="brand">
            <img className="brand__mark" src="/icons/icon.svg" alt="" width="32" height="32" />
            <span className="brand__name">{t('app.name')}</span>
          </span>
          <div className="site-header__tools">
            <LanguageSwitcher />
          </div>
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        <div className="content page public-guest">
          <h1 className="page__title">{t('publicGuest.title')}</h1>
          {state.kind === 'loading' && <p role="status">{t('common.loading')}</p>}
          {state.kind === 'invalid-link' && (
            <div className="form-alert form-alert--error" role="alert" data-testid="guest-page-message">
              {t('publicGuest.invalidLink')}
            </div>
          )}
          {state.kind === 'error' && (
            <LoadFailed message={guestErrorText(t, language, state.error)} onRetry={() => setAttempt((value) => value + 1)} />
          )}
          {state.kind === 'ready' && <GuestPassView pass={state.pass} />}
        </div>
      </main>
    </>
  );
}

function GuestPassView({ pass }: { readonly pass: PublicGuestPass }) {
  const { t, i18n } = useTranslation();
  const language = wordsLanguage(i18n.resolvedLanguage);
  const date = pass.dateInWords[language];
  const valid = pass.status === 'valid' && pass.qrSvg !== undefined;
  return (
    <article className={`card public-guest__card public-guest__card--${pass.status}`} data-testid="public-guest-pass">
      <dl className="facts public-guest__facts">
        <div>
          <dt>{t('publicGuest.guestLabel')}</dt>
          <dd className="public-guest__name" data-testid="guest-name">
            {pass.guestName}
          </dd>
        </div>
        <div>
          <dt>{t('publicGuest.dateLabel')}</dt>
          <dd>
            <time dateTime={pass.date}>{date}</time>
          </dd>
        </div>
        {pass.hostName && (
          <div>
            <dt>{t('publicGuest.hostLabel')}</dt>
            <dd>{pass.hostName}</dd>
          </div>
        )}
      </dl>
      {valid ? (
        <>
          <img
            className="public-guest__qr"
            src={svgDataUrl(pass.qrSvg!)}
            alt={t('publicGuest.qrAlt', { name: pass.guestName, date })}
            width="280"
            height="280"
            data-testid="public-guest-qr"
          />
          <p className="page__note">{t('publicGuest.help', { date })}</p>
        </>
      ) : (
        <div className="form-alert form-alert--error" role="alert" data-testid="guest-page-message">
          {pass.status === 'cancelled'
            ? t('publicGuest.cancelled')
            : pass.status === 'expired'
              ? t('publicGuest.expired', { date })
              : t('publicGuest.revoked')}
        </div>
      )}
    </article>
  );
}
