import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
// The express that @nestjs/platform-express runs (the same one its useStaticAssets uses).
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Paths the API and the framework own; everything else that asks for HTML gets the web app. */
const SERVER_PATHS = /^\/(api|health)(\/|$)/;

/** `handler` for every path but the API's and the health probes': they never touch the web app's files. */
function exceptServerPaths(handler: RequestHandler): RequestHandler {
  return (request, response, next) => (SERVER_PATHS.test(request.path) ? next() : handler(request, response, next));
}

/**
 * Serves the built web app (apps/web/dist): hashed assets with a long cache, and index.html for every
 * client-side route. When the app was not built the page says how to build it instead of a bare 404.
 * Requests to /api and /health skip the static files altogether: a `stat` of a file that cannot exist on
 * every API call was about a sixth of the portal's CPU under load (docs/benchmarks.md, day pass).
 */
export function serveWebApp(app: NestExpressApplication, distDir: string): void {
  const root = path.resolve(distDir);
  const index = path.join(root, 'index.html');
  if (existsSync(root)) {
    app.useStaticAssets(path.join(root, 'assets'), { prefix: '/assets', immutable: true, maxAge: '365d', fallthrough: false });
    app.use(
      exceptServerPaths(
        express.static(root, {
          index: false,
          maxAge: '1h',
          // The service worker must be re-checked at every load, or a stale one keeps serving an old app.
          setHeaders: (response, file) => {
            if (path.basename(file) === 'sw.js') response.setHeader('Cache-Control', 'no-cache');
          },
        }),
      ),
    );
  }
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || SERVER_PATHS.test(request.path) || !request.accepts('html')) {
      return next();
    }
    if (!existsSync(index)) {
      response.status(503).type('text/plain').send(`The web app is not built: run "npm run build:web" (looked for ${index}).`);
      return;
    }
    // The shell must never be cached stale: it names the hashed assets of the current build.
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}
