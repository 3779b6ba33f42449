import type { NextFunction, Request, Response } from 'express';

/**
 * Every API answer is personal or about someone's access unless a route says otherwise: keep it out of every cache
 * by default (a route's own `@Header('Cache-Control', …)` replaces this, e.g. a photo's short private cache).
 */
export function apiNoStore(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  next();
}
