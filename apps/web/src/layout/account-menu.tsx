import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate, usePathname } from '../router/router.js';
import { useSession } from '../session/session-context.js';

const PAGES_WITH_SIGN_IN = new Set(['/', '/sign-in', '/register-email', '/staff/sign-in']);

/** Who is signed in, with Sign out; or a Sign in link. Sits in the header on every page. */
export function AccountMenu() {
  const { t } = useTranslation();
  const { state, signOut } = useSession();
  const [busy, setBusy] = useState(false);
  const pathname = usePathname();

  if (state.status !== 'ready') return null;
  const { session, displayName } = state;
  if (!session.authenticated || !session.subject) {
    // Pages that are about signing in (and the home page, with its own big button) need no second link.
    if (PAGES_WITH_SIGN_IN.has(pathname.replace(/\/+$/, '') || '/')) return null;
    return (
      <Link to="/sign-in" className="account__link">
        {t('account.signIn')}
      </Link>
    );
  }
  const staff = session.subject.type === 'staff';
  const home = staff ? (session.subject.roles.includes('aao-admin') ? '/admin/registry' : '/') : '/profile';
  const who = displayName ?? (staff ? t('account.staff') : t('account.alumnus'));

  return (
    <div className="account" data-testid="account">
      <Link to={home} className="account__who">
        <span className="visually-hidden">{t('account.signedInAs')} </span>
        {who}
      </Link>
      <button
        type="button"
        className="account__sign-out"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void signOut().finally(() => {
            setBusy(false);
            navigate(staff ? '/staff/sign-in' : '/sign-in?signedOut=1');
          });
        }}
      >
        {t('account.signOut')}
      </button>
    </div>
  );
}
