import type { ComponentType } from 'react';
import { AppShell } from './layout/app-shell.js';
import { AlumniAdminPage } from './pages/admin/alumni-admin-page.js';
import { AuditLogPage } from './pages/admin/audit-log-page.js';
import { GatesAdminPage } from './pages/admin/gates-admin-page.js';
import { GuestPolicyPage } from './pages/admin/guest-policy-page.js';
import { KeysAdminPage } from './pages/admin/keys-admin-page.js';
import { StaffAdminPage } from './pages/admin/staff-admin-page.js';
import { ReportsPage } from './pages/reports/reports-page.js';
import { HandheldCheckPage } from './pages/security/handheld-check-page.js';
import { SecurityDashboardPage } from './pages/security/security-dashboard-page.js';
import { DevMailboxPage } from './pages/dev-mailbox-page.js';
import { EcardPage } from './pages/ecard-page.js';
import { EcardReviewsPage } from './pages/ecard-reviews-page.js';
import { GUEST_ACCESS_PATH, GuestAccessPage } from './pages/guest-access-page.js';
import { HomePage } from './pages/home-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { PrivilegesPage } from './pages/privileges-page.js';
import { ProfilePage } from './pages/profile-page.js';
import { PublicGuestPage } from './pages/public-guest-page.js';
import { RegisterEmailPage } from './pages/register-email-page.js';
import { ForgotNetIdPage } from './pages/forgot-netid-page.js';
import { ForgotNetPasswordPage } from './pages/forgot-netpassword-page.js';
import { NetIdRegisterPage } from './pages/netid-register-page.js';
import { RegistryImportPage } from './pages/registry-import-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { StaffSignInPage } from './pages/staff-sign-in-page.js';
import { usePathname } from './router/router.js';

const ROUTES: Readonly<Record<string, ComponentType>> = {
  '/': HomePage,
  '/sign-in': SignInPage,
  '/register-email': RegisterEmailPage,
  '/netid/register': NetIdRegisterPage,
  '/netid/forgot-netid': ForgotNetIdPage,
  '/netid/forgot-password': ForgotNetPasswordPage,
  '/profile': ProfilePage,
  '/ecard': EcardPage,
  [GUEST_ACCESS_PATH]: GuestAccessPage,
  '/staff/sign-in': StaffSignInPage,
  '/admin/registry': RegistryImportPage,
  '/admin/ecard-reviews': EcardReviewsPage,
  '/admin/privileges': PrivilegesPage,
  '/admin/alumni': AlumniAdminPage,
  '/admin/guest-policy': GuestPolicyPage,
  '/admin/gates': GatesAdminPage,
  '/admin/keys': KeysAdminPage,
  '/admin/staff': StaffAdminPage,
  '/admin/audit': AuditLogPage,
  '/security': SecurityDashboardPage,
  '/security/handheld': HandheldCheckPage,
  '/reports': ReportsPage,
  '/dev/mailbox': DevMailboxPage,
};

/** Trailing slashes are the same page: /sign-in/ shows /sign-in. */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname;
}

export function App() {
  const pathname = usePathname();
  // The page behind a shared guest link (/g/<token>) stands alone: no sign-in, no app navigation.
  if (pathname.startsWith('/g/')) return <PublicGuestPage />;
  const Page = ROUTES[normalizePath(pathname)] ?? NotFoundPage;
  return (
    <AppShell>
      <Page />
    </AppShell>
  );
}
