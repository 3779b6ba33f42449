import { useTranslation } from 'react-i18next';
import { Link } from '../router/router.js';
import { useSession } from '../session/session-context.js';

/**
 * The pages a signed-in person uses, by role: alumni their profile and eCard, security staff the dashboard and the
 * handheld check, AAO admins their tools, auditors the reports and the audit log.
 */
export function SiteNav() {
  const { t } = useTranslation();
  const { state } = useSession();
  if (state.status !== 'ready' || !state.session.authenticated || !state.session.subject) return null;
  const roles = state.session.subject.roles;
  const links: Array<{ to: string; label: string }> = [];
  if (roles.includes('alumnus')) links.push({ to: '/ecard', label: t('nav.ecard') }, { to: '/profile', label: t('nav.profile') });
  if (roles.includes('security-staff')) {
    links.push({ to: '/security', label: t('nav.security') }, { to: '/security/handheld', label: t('nav.handheld') });
  }
  const admin = roles.includes('aao-admin');
  const reader = admin || roles.includes('auditor');
  // Auditors read what the AAO administers (the pages show them no controls); only the AAO reviews, edits and imports.
  if (reader) links.push({ to: '/admin/alumni', label: t('nav.alumni') });
  if (admin) {
    links.push({ to: '/admin/ecard-reviews', label: t('nav.reviews') }, { to: '/admin/privileges', label: t('nav.privileges') });
  }
  if (reader) {
    links.push(
      { to: '/admin/guest-policy', label: t('nav.guestPolicy') },
      { to: '/admin/gates', label: t('nav.gates') },
      { to: '/admin/keys', label: t('nav.keys') },
    );
  }
  if (admin) links.push({ to: '/admin/staff', label: t('nav.staff') }, { to: '/admin/registry', label: t('nav.registry') });
  if (reader) {
    links.push({ to: '/reports', label: t('nav.reports') }, { to: '/admin/audit', label: t('nav.audit') });
  }
  if (links.length === 0) return null;
  return (
    <nav className="site-nav" aria-label={t('nav.label')}>
      <ul className="site-nav__list">
        {links.map((link) => (
          <li key={link.to}>
            <Link to={link.to} className="site-nav__link">
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
