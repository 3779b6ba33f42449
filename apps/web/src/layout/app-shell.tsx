import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, usePathname } from '../router/router.js';
import { AccountMenu } from './account-menu.js';
import { ErrorBoundary, RenderFailure } from './error-boundary.js';
import { LanguageSwitcher } from './language-switcher.js';
import { SiteNav } from './site-nav.js';

export const PAGE_HEADING_ID = 'page-heading';

/** Landmarks shared by every page: skip link, banner with brand and language, main, footer. */
export function AppShell({ children }: { readonly children: ReactNode }) {
  const { t } = useTranslation();
  const pathname = usePathname();
  const firstRender = useRef(true);

  // After an in-app navigation, start at the top and move focus to the new page's heading, as a full
  // page load would, so keyboard and screen-reader users know the page changed.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.getElementById(PAGE_HEADING_ID)?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand" aria-label={t('app.homeLink')}>
            <img className="brand__mark" src="/icons/icon.svg" alt="" width="32" height="32" />
            <span className="brand__name">{t('app.name')}</span>
          </Link>
          <div className="site-header__tools">
            <AccountMenu />
            <LanguageSwitcher />
          </div>
        </div>
        <SiteNav />
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {/* A page that fails to render leaves the banner and navigation in place; opening another page clears it. */}
        <ErrorBoundary resetKey={pathname} fallback={<RenderFailure />}>
          {children}
        </ErrorBoundary>
      </main>
      <footer className="site-footer">
        <div className="site-footer__inner">
          <p>
            {t('footer.help')} <a href="mailto:alumni@polyu.edu.hk">alumni@polyu.edu.hk</a>
          </p>
        </div>
      </footer>
    </>
  );
}

/** The page's <h1>; focusable from script so navigation can move focus to it. */
export function PageHeading({ children, className }: { readonly children: ReactNode; readonly className?: string }) {
  return (
    <h1 id={PAGE_HEADING_ID} className={className} tabIndex={-1}>
      {children}
    </h1>
  );
}
