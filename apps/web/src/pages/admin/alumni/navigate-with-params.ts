import { navigate } from '../../../router/router.js';

/** Navigates to this page's path with these query parameters (empty ones left out): a new history entry, so Back works. */
export function navigateWithParams(params: Record<string, string | undefined>): void {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  navigate(`${window.location.pathname}${text ? `?${text}` : ''}`);
}
