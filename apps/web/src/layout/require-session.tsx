import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { signInPathFor } from '../api/api.js';
import type { Role } from '../api/identity.js';
import { navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';
import { PageHeading } from './app-shell.js';

/**
 * Renders its children only for a signed-in person holding `role` (or one of the roles); sends anyone signed out to sign in (and
 * back here afterwards), and tells a signed-in person without the role that this page is not for them.
 */
export function RequireSession({
  role,
  title,
  children,
}: {
  readonly role: Role | readonly Role[];
  readonly title: string;
  readonly children: ReactNode;
}) {
  const { t } = useTranslation();
  const { state, refresh } = useSession();
  const signedIn = state.status === 'ready' && state.session.authenticated;

  useEffect(() => {
    if (state.status === 'ready' && !state.session.authenticated) {
      navigate(signInPathFor(window.location.pathname + window.location.search), { replace: true });
    }
  }, [state]);

  if (state.status === 'error') {
    return (
      <div className="content page">
        <PageHeading className="page__title">{title}</PageHeading>
        <div className="form-alert form-alert--error" role="alert">
          {t('errors.network')}
        </div>
        <p>
          <button type="button" className="button button--quiet" onClick={() => void refresh()}>
            {t('common.retry')}
          </button>
        </p>
      </div>
    );
  }
  if (!signedIn) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{title}</PageHeading>
        <p role="status">{t('common.loading')}</p>
      </div>
    );
  }
  const allowed: readonly Role[] = typeof role === 'string' ? [role] : role;
  if (!state.session.subject?.roles.some((held) => allowed.includes(held))) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{title}</PageHeading>
        <div className="form-alert form-alert--error" role="alert">
          {t('errors.role-refused')}
        </div>
      </div>
    );
  }
  return <>{children}</>;
}
