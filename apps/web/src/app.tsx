import type { ComponentType } from 'react';
import { AppShell } from './layout/app-shell.js';
import { DevMailboxPage } from './pages/dev-mailbox-page.js';
import { EcardPage } from './pages/ecard-page.js';
import { EcardReviewsPage } from './pages/ecard-reviews-page.js';
import { HomePage } from './pages/home-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { PrivilegesPage } from './pages/privileges-page.js';
import { ProfilePage } from './pages/profile-page.js';
import { RegisterEmailPage } from './pages/register-email-page.js';
import { RegistryImportPage } from './pages/registry-import-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { StaffSignInPage } from './pages/staff-sign-in-page.js';
import { usePathname } from './router/router.js';

const ROUTES: Readonly<Record<string, ComponentType>> = {
  '/': HomePage,
  '/sign-in': SignInPage,
  '/register-email': RegisterEmailPage,
  '/profile': ProfilePage,
  '/ecard': EcardPage,
  '/staff/sign-in': StaffSignInPage,
  '/admin/registry': RegistryImportPage,
  '/admin/ecard-reviews': EcardReviewsPage,
  '/admin/privileges': PrivilegesPage,
  '/dev/mailbox': DevMailboxPage,
};

/** Trailing slashes are the same page: /sign-in/ shows /sign-in. */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname;
}

export function App() {
  const Page = ROUTES[normalizePath(usePathname())] ?? NotFoundPage;
  return (
    <AppShell>
      <Page />
    </AppShell>
  );
}
