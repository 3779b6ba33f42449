import type { ComponentType } from 'react';
import { AppShell } from './layout/app-shell.js';
import { HomePage } from './pages/home-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { usePathname } from './router/router.js';

const ROUTES: Readonly<Record<string, ComponentType>> = {
  '/': HomePage,
  '/sign-in': SignInPage,
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
