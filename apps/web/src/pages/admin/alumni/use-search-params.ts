import { useSyncExternalStore } from 'react';
import { navigate } from '../../../router/router.js';

// The router's own event (router.tsx): navigate() dispatches it; popstate covers Back and Forward.
const NAVIGATE_EVENT = 'campuspass:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** The current query string, re-rendering on every navigation (the router itself only tracks the path). */
export function useSearchParams(): URLSearchParams {
  const search = useSyncExternalStore(
    subscribe,
    () => window.location.search,
    () => '',
  );
  return new URLSearchParams(search);
}

/** Navigates to this page's path with these query parameters (empty ones left out): a new history entry, so Back works. */
export function navigateWithParams(params: Record<string, string | undefined>): void {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  navigate(`${window.location.pathname}${text ? `?${text}` : ''}`);
}
