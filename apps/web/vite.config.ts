import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { injectBuild, precacheUrls } from './src/pwa/precache.js';

const fromRepo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// The portal (NestJS, port 3000) serves the built dist with SPA fallback; in development the Vite dev
// server forwards API and health calls to it so the browser sees one origin, as in production.
const portal = process.env.PORTAL_URL ?? 'http://localhost:3000';

async function filesUnder(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesUnder(root, path.join(dir, entry.name)) : [path.join(dir, entry.name)])),
  );
  return nested.flat();
}

/**
 * After the build: writes into dist/sw.js (copied from public/) the list of files to precache — every file of
 * dist except maps, index.html and sw.js — and a version derived from their names and the shell, so each
 * build gets its own cache and a changed sw.js that the browser installs.
 */
function campuspassServiceWorker(): Plugin {
  let outDir = '';
  return {
    name: 'campuspass-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const worker = path.join(outDir, 'sw.js');
      const precache = precacheUrls(await filesUnder(outDir));
      const shell = await readFile(path.join(outDir, 'index.html'));
      const version = createHash('sha256').update(precache.join('\n')).update(shell).digest('hex').slice(0, 12);
      await writeFile(worker, injectBuild(await readFile(worker, 'utf8'), { version, precache }));
    },
  };
}

export default defineConfig({
  root: fromRepo('apps/web'),
  publicDir: 'public',
  plugins: [react(), campuspassServiceWorker()],
  resolve: {
    alias: {
      '@campuspass/pass-token': fromRepo('libs/pass-token/src/index.ts'),
      '@campuspass/contracts': fromRepo('libs/contracts/src/index.ts'),
    },
  },
  build: {
    outDir: fromRepo('apps/web/dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Maps are written for decoding error reports but not referenced from the bundle.
    sourcemap: 'hidden',
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: portal, changeOrigin: false },
      '/health': { target: portal, changeOrigin: false },
    },
  },
  preview: { port: 4173 },
});
