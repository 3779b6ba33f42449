/*
 * CampusPass service worker: the installed app opens offline, with the eCard (and today's pass) as last seen
 * online. Plain script (no bundler); the build (vite.config.ts, campuspassServiceWorker) replaces the BUILD line
 * with this build's version and the list of files to precache.
 *
 *   app shell (index.html at "/", hashed /assets/*, icons, manifest)  precached per build; cache-first for
 *                                                                     /assets and static files; navigations
 *                                                                     network-first, the cached shell offline
 *   GET /api/ecard, /api/ecard/photo/*, /api/passes/today              network-first into the data cache; the
 *                                                                     cached copy only when the network fails
 *   every other /api and /health call                                 not touched (never cached)
 *
 * Cache names carry a version; activate deletes every other CampusPass cache. The data cache is emptied when the
 * portal says the person is signed out (401) or the card is refused (403), and by the page on sign-out.
 */
'use strict';
/* global self, caches */

const BUILD = { version: 'dev', precache: [] };

const SHELL_CACHE = `campuspass-shell-${BUILD.version}`;
const DATA_CACHE = 'campuspass-data-v1';
const SHELL_URL = '/';

/** Personal data that must open offline: the eCard, its photos, today's pass. */
function isOfflineData(url) {
  return url.pathname === '/api/ecard' || url.pathname.startsWith('/api/ecard/photo/') || url.pathname === '/api/passes/today';
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // 'reload': past the HTTP cache, so the shell and its assets are this build's.
      await cache.addAll([SHELL_URL, ...BUILD.precache].map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, DATA_CACHE]);
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith('campuspass-') && !keep.has(name)).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (isOfflineData(url)) {
    event.respondWith(networkFirstData(request));
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname === '/api' || url.pathname === '/health' || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
    return;
  }
  event.respondWith(cacheFirst(request, url));
});

async function networkFirstData(request) {
  const cache = await caches.open(DATA_CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = (await cache.match(request)) ?? (await cache.match(request, { ignoreSearch: true }));
    if (cached) return cached;
    throw error;
  }
  if (response.status === 200) {
    await cache.put(request, response.clone());
  } else if (response.status === 401 || response.status === 403) {
    // Signed out, or no longer allowed: this device must not keep showing the card.
    await caches.delete(DATA_CACHE);
  }
  return response;
}

async function navigation(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await caches.match(SHELL_URL, { cacheName: SHELL_CACHE });
    if (shell) return shell;
    throw error;
  }
}

async function cacheFirst(request, url) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  // Hashed assets never change: keep any we did not precache (e.g. after an update) for next time offline.
  if (response.status === 200 && url.pathname.startsWith('/assets/')) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}
