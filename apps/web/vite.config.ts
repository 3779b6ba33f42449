import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const fromRepo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// The portal (NestJS, port 3000) serves the built dist with SPA fallback; in development the Vite dev
// server forwards API and health calls to it so the browser sees one origin, as in production.
const portal = process.env.PORTAL_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: fromRepo('apps/web'),
  publicDir: 'public',
  plugins: [react()],
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
