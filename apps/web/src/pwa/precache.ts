/*
 * Build-time helpers for the service worker (used by vite.config.ts; pure, so they are unit-tested here).
 * public/sw.js carries a `const BUILD = { version: 'dev', precache: [] };` line that the build replaces.
 */

export interface ServiceWorkerBuild {
  readonly version: string;
  readonly precache: readonly string[];
}

const BUILD_LINE = /^const BUILD = .*;$/m;

/** Lazy chunks only staff pages load (the reports' charts): an alumnus's phone never needs them offline. */
const STAFF_ONLY_CHUNK = /^assets\/report-charts-[\w-]+\.(js|css)$/;

/** Files never precached: source maps, the shell itself (cached as "/"), the worker, dev-only pages, staff-only chunks. */
function precachable(file: string): boolean {
  return !file.endsWith('.map') && file !== 'index.html' && file !== 'sw.js' && !file.startsWith('.') && !STAFF_ONLY_CHUNK.test(file);
}

/** The URLs to precache from the build's output files (paths relative to dist, forward slashes), sorted. */
export function precacheUrls(files: Iterable<string>): string[] {
  return [...new Set([...files].map((file) => file.replace(/\\/g, '/').replace(/^\/+/, '')))]
    .filter(precachable)
    .map((file) => `/${file}`)
    .sort();
}

/** Writes the build into the worker's source; throws when the BUILD line is missing (so the build fails loudly). */
export function injectBuild(source: string, build: ServiceWorkerBuild): string {
  if (!BUILD_LINE.test(source)) throw new Error('sw.js has no "const BUILD = …;" line to replace');
  return source.replace(BUILD_LINE, () => `const BUILD = ${JSON.stringify({ version: build.version, precache: build.precache })};`);
}
