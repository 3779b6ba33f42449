import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/*
 * A small router over the History API: the URL is the state, `popstate` (back/forward) and our own
 * navigations notify subscribers. Enough for a handful of top-level pages; swap for a library when the
 * app needs nested routes, loaders or lazy chunks.
 */

const NAVIGATE_EVENT = 'campuspass:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const currentPath = (): string => window.location.pathname;

/** The current path, re-rendering on every navigation. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, currentPath, () => '/');
}

const currentSearch = (): string => window.location.search;

/** The current query string's parameters, re-rendering on every navigation (for a page whose state is in the URL). */
export function useSearchParams(): URLSearchParams {
  return new URLSearchParams(useSyncExternalStore(subscribe, currentSearch, () => ''));
}

export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Only plain left clicks on same-origin links navigate in the app; the rest keep browser behaviour. */
function isAppNavigation(event: MouseEvent<HTMLAnchorElement>): boolean {
  const anchor = event.currentTarget;
  return (
    !event.defaultPrevented &&
    event.button === 0 &&
    !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) &&
    (!anchor.target || anchor.target === '_self') &&
    !anchor.hasAttribute('download') &&
    anchor.origin === window.location.origin
  );
}

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  readonly to: string;
  readonly children: ReactNode;
}

/** An ordinary <a href>, so it works without JavaScript, opens in a new tab and shows its address. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const pathname = usePathname();
  return (
    <a
      {...rest}
      href={to}
      aria-current={pathname === to ? 'page' : undefined}
      onClick={(event) => {
        onClick?.(event);
        if (!isAppNavigation(event)) return;
        event.preventDefault();
        if (to !== pathname) navigate(to);
      }}
    >
      {children}
    </a>
  );
}
