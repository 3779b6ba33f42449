/**
 * The service worker (public/sw.js, its precache list written at build time by the plugin in
 * vite.config.ts) makes the installed app open offline with the eCard last seen online.
 */

/** Cache names that hold a person's data (see DATA_CACHE_PREFIX in public/sw.js). */
export const DATA_CACHE_PREFIX = 'campuspass-data-';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const register = () => {
    // updateViaCache 'none': the browser always asks the portal for a new sw.js, whatever its cache headers.
    navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' }).catch((error: unknown) => {
      console.warn('Service worker registration failed; the app works, but not offline.', error);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/** Drops the cached eCard, photo and pass (on sign-out). Never throws. */
export async function forgetOfflineData(): Promise<void> {
  try {
    if (typeof caches === 'undefined') return;
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(DATA_CACHE_PREFIX)).map((name) => caches.delete(name)));
  } catch {
    // Private mode or no Cache Storage: nothing was cached.
  }
}
