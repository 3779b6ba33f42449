import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { readCookie } from './cookies.js';
import { CSRF_HEADER, SESSION_COOKIE } from './identity.constants.js';
import { IdentityException, isIdentityException } from './identity.exception.js';
import { PUBLIC_ROUTE, REQUEST_IDENTITY, ROUTE_ROLES, type PublicRouteOptions, type RequestWithIdentity, type Role } from './roles.js';
import { SessionService } from './session.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Marks a route that gates call with requests signed by their identity key (no session, no cookie). Only set
 * together with the gates module's own guard (`@GateAuthenticated()`), which authenticates the request.
 */
export const GATE_AUTHENTICATED_ROUTE = 'identity:gate-authenticated';

/** A body a cross-site HTML form can send without a CORS preflight. */
function isFormLike(request: Request): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data' || type === 'text/plain';
}

/**
 * Global guard: every route declares who may call it (@Public() or @Roles(...)); a route that declares nothing
 * is refused, so a forgotten decorator closes a route instead of opening it. Cookie-authenticated unsafe
 * requests must echo the session's CSRF token in X-CSRF-Token; unsafe requests to public routes must not be
 * form-like (see PublicRouteOptions).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    // Gate routes declare their access with @GateAuthenticated(), whose own guard checks the signed request.
    if (this.reflector.getAllAndOverride<boolean | undefined>(GATE_AUTHENTICATED_ROUTE, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const { publicRoute, roles } = this.declaredAccess(context);
    const request = context.switchToHttp().getRequest<Request & RequestWithIdentity>();
    const token = readCookie(request, SESSION_COOKIE);

    if (publicRoute) {
      // No session protects these (sign-in itself): refuse what a cross-site HTML form could send, so another
      // site cannot sign a visitor in to an account of its choosing (login CSRF).
      if (!SAFE_METHODS.has(request.method) && !publicRoute.forms && isFormLike(request)) {
        throw new IdentityException('json-required', 'Please send this request as JSON (Content-Type: application/json).');
      }
      // A public route still sees who is signed in, if anyone; an ended session is simply nobody.
      if (token) {
        try {
          request[REQUEST_IDENTITY] = await this.sessions.resolve(token);
        } catch (error) {
          if (!isIdentityException(error)) throw error;
        }
      }
      return true;
    }
    if (!roles || roles.length === 0) {
      throw new IdentityException(
        'route-undeclared',
        'This address is closed because it does not declare who may use it. Please report this to the Alumni Affairs Office.',
      );
    }
    if (!token) throw new IdentityException('sign-in-required', 'Please sign in to continue.');
    const identity = await this.sessions.resolve(token);
    if (!identity.subject.roles.some((role) => roles.includes(role))) {
      throw new IdentityException('role-refused', 'Your account is not allowed to do this.');
    }
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (!this.sessions.csrfTokenMatches(token, typeof presented === 'string' ? presented : undefined)) {
        throw new IdentityException(
          'csrf-token-invalid',
          'This request was refused because its security token (X-CSRF-Token header) is missing or wrong. Reload the page and try again.',
        );
      }
    }
    request[REQUEST_IDENTITY] = identity;
    return true;
  }

  /** The handler's declaration when it has one (the more specific), else its controller's. */
  private declaredAccess(context: ExecutionContext): { publicRoute?: PublicRouteOptions; roles?: Role[] } {
    for (const target of [context.getHandler(), context.getClass()]) {
      const publicRoute = this.reflector.get<PublicRouteOptions | undefined>(PUBLIC_ROUTE, target);
      const roles = this.reflector.get<Role[] | undefined>(ROUTE_ROLES, target);
      if (publicRoute || roles) return { publicRoute, roles };
    }
    return {};
  }
}
